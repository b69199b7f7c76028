"""Semantic recall on the judged jbranchaud queries: FTS5-OR, cosine alone, and fusions.

    TILBASE_MODEL_DIR=/tmp/minilm python benchmarks/eval_semantic.py
    python benchmarks/eval_semantic.py --cache /tmp/semcache -v    # keep the vectors between runs

Reads the corpus's ``.md`` files directly (title = first heading, body = the
rest), embeds every note with ``tilbase.semantic`` through an
``EmbeddingStore`` (so a second run re-embeds nothing), and scores each query
of ``shared/queries/jbranchaud-til.tsv`` (``query<TAB>path[,path]``) by
top-1, top-3 and MRR@10 for:

- the SQLite FTS5-OR baseline: table (path, title, body), tokenizer unicode61,
  the query's words OR-ed, ranked by ``bm25(t, 2.0, 1.0)``;
- cosine alone (query vector against every note);
- fusion ``alpha·minmax(bm25) + (1-alpha)·minmax(cosine)`` for alpha 0.3..0.8,
  over every note (``union``: FTS5 hits and the cosine top 50) and over the
  FTS5 hits only (``rerank``: what a Whoosh-found, dense-reranked search gives).

Also times model load, one query embedding, one note embedding, and the
embedding throughput (medians over batches, notes/s and tokens/s).

``--kb DIR`` instead ranks through tilbase's real search path: a KB in DIR (made
on first use, notes_dir pointing at the corpus, ``semantic: true``; its vectors
are kept there between runs) searched with ``KnowledgeBase.search`` lexically
(Whoosh, tilbase's own ranking) and fused, beside FTS5-OR and cosine alone over
the same notes, with the in-process time per query of each:

    python benchmarks/eval_semantic.py --kb /tmp/semkb-jb            # jbranchaud
    python benchmarks/eval_semantic.py --kb /tmp/semkb-sample --sample
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from tilbase.kb import KnowledgeBase  # noqa: E402
from tilbase.semantic.encoder import Encoder, load_encoder  # noqa: E402
from tilbase.semantic.fusion import fuse  # noqa: E402
from tilbase.semantic.store import EmbeddingStore  # noqa: E402
from tilbase.semantic.texts import embedding_text  # noqa: E402

SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpora" / "jbranchaud-til"
QUERIES = SHARED / "queries" / "jbranchaud-til.tsv"
DEPTH = 10
DENSE_CANDIDATES = 50
ALPHAS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Doc:
    path: str
    title: str
    body: str


def read_corpus(root: Path) -> list[Doc]:
    """Every note file under ``root``: title from the first ``#`` line, body the rest."""
    docs = []
    for path in sorted(root.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        first, _, rest = text.lstrip().partition("\n")
        if first.startswith("#"):
            title, body = first.lstrip("#").strip(), rest.strip()
        else:
            title, body = path.stem.replace("-", " "), text.strip()
        docs.append(Doc(path.relative_to(root).as_posix(), title, body))
    return docs


def read_sample_kb() -> tuple[list[Doc], list[tuple[str, set[str]]]]:
    """The repository's own sample notes and the ``sample`` set of judged_queries.yaml."""
    import yaml

    docs = []
    for path in sorted((REPO / "notes").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2) if text.startswith("---\n") else ("", "", text)
        meta = yaml.safe_load(front) or {}
        docs.append(Doc(path.name, str(meta.get("title", path.stem)), body.strip()))
    sets = yaml.safe_load((REPO / "benchmarks" / "judged_queries.yaml").read_text())
    judged = [(str(q["query"]), {f"{q['expect']['id']}.md"}) for q in sets["sample"]["queries"]]
    return docs, judged


def read_queries(path: Path) -> list[tuple[str, set[str]]]:
    """``(query, relevant paths)`` from a ``query<TAB>path[,path]`` file."""
    judged = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            query, _, paths = line.partition("\t")
            judged.append((query.strip(), {p.strip() for p in paths.split(",") if p.strip()}))
    return judged


class Fts5:
    """The FTS5-OR baseline over (path, title, body)."""

    def __init__(self, docs: Sequence[Doc]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE t USING fts5(path, title, body, tokenize=unicode61)")
        self.db.executemany(
            "INSERT INTO t VALUES (?, ?, ?)", [(d.path, d.title, d.body) for d in docs]
        )

    def scores(self, query: str) -> dict[str, float]:
        """BM25 of every note matching any word of ``query`` (higher is better)."""
        words = WORD.findall(query)
        if not words:
            return {}
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = self.db.execute(
            "SELECT path, bm25(t, 2.0, 1.0) FROM t WHERE t MATCH ? ORDER BY 2", (match,)
        )
        return {path: -score for path, score in rows}


def ranked(scores: dict[str, float]) -> list[str]:
    return [key for key, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))]


@dataclass
class Quality:
    top1: float
    top3: float
    mrr: float

    def row(self, name: str) -> str:
        return f"| {name} | {self.top1:.3f} | {self.top3:.3f} | {self.mrr:.3f} |"


def quality(rankings: Sequence[list[str]], judged: Sequence[tuple[str, set[str]]]) -> Quality:
    """top-1, top-3 and MRR@10 of the first relevant note in each ranking."""
    first = []
    for ranking, (_, relevant) in zip(rankings, judged, strict=True):
        rank = next((i + 1 for i, key in enumerate(ranking[:DEPTH]) if key in relevant), None)
        first.append(rank)
    n = len(first)
    return Quality(
        sum(1 for r in first if r == 1) / n,
        sum(1 for r in first if r is not None and r <= 3) / n,
        sum(1 / r for r in first if r is not None) / n,
    )


def timed(action: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def embed_all(encoder: Encoder, docs: Sequence[Doc], cache: Path, verbose: bool) -> EmbeddingStore:
    """Embed the corpus into ``cache`` (only what is missing), timing each batch."""
    store = EmbeddingStore(cache, encoder.model_id)
    items = [(d.path, embedding_text(d.title, d.body)) for d in docs]
    pending = store.pending(items)
    batches: list[tuple[int, int, float]] = []  # notes, tokens, seconds
    if pending:
        last = [time.perf_counter()]

        def encode(batch: Sequence[str]) -> object:
            tokens = sum(len(t) for t in encoder.tokens(batch))
            start = time.perf_counter()
            vectors = encoder.encode(batch)
            batches.append((len(batch), tokens, time.perf_counter() - start))
            return vectors

        def progress(done: int, total: int) -> None:
            if verbose and (done == total or time.perf_counter() - last[0] > 10):
                last[0] = time.perf_counter()
                print(f"  embedded {done}/{total}", file=sys.stderr)

        start = time.perf_counter()
        store.update(items, encode, progress=progress, batch_size=32)  # type: ignore[arg-type]
        total = time.perf_counter() - start
        notes = sum(b[0] for b in batches)
        tokens = sum(b[1] for b in batches)
        print(f"embedded {notes} notes ({tokens} tokens) in {total:.1f} s")
        print(
            "  per batch of 32, median: "
            f"{statistics.median(b[0] / b[2] for b in batches):.1f} notes/s, "
            f"{statistics.median(b[1] / b[2] for b in batches):.0f} tokens/s; "
            f"mean tokens/note {tokens / notes:.0f} (cut at 256)"
        )
    else:
        print(f"all {len(items)} notes already embedded in {cache}")
    return store


COLD_QUERY = """
import sys, time
start = time.perf_counter()
from pathlib import Path
from tilbase.semantic.ranker import SemanticRanker
ranker = SemanticRanker.open(Path(sys.argv[1]))
loaded = time.perf_counter()
scores = ranker.cosine("move issue between repos")
done = time.perf_counter()
print(loaded - start, done - loaded)
"""


def cold_query(derived: Path, repeat: int) -> None:
    """Median wall time of fresh processes that load the model and score one query."""
    walls, loads, queries = [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", COLD_QUERY, str(derived)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        walls.append(time.perf_counter() - start)
        loads.append(float(out[0]))
        queries.append(float(out[1]))
    base = timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), repeat)
    print(
        f"fresh process, import + locate + load model + open store + one query: "
        f"{statistics.median(walls) * 1000:.0f} ms wall (python -c pass: {base * 1000:.0f} ms); "
        f"in it: imports+load {statistics.median(loads) * 1000:.0f} ms, "
        f"query+cosine over all notes {statistics.median(queries) * 1000:.0f} ms"
    )


def open_eval_kb(kb_dir: Path, notes_dir: Path, alpha: float | None) -> KnowledgeBase:
    """A KB in ``kb_dir`` over ``notes_dir`` (read only), semantic on, index and vectors current."""
    from tilbase.config import load_config

    kb_dir.mkdir(parents=True, exist_ok=True)
    config = f"notes_dir: {notes_dir.resolve()}\nsemantic: true\n"
    if alpha is not None:
        config += f"semantic_alpha: {alpha}\n"
    (kb_dir / "config.yaml").write_text(config, encoding="utf-8")
    kb = KnowledgeBase(load_config(kb_dir / "config.yaml"))
    last = [0.0]

    def progress(task: str, done: int, total: int | None) -> None:
        if done == total or time.perf_counter() - last[0] > 10:
            last[0] = time.perf_counter()
            print(f"  {task}: {done}/{total}", file=sys.stderr)

    kb.semantic_progress = progress
    start = time.perf_counter()
    kb.sync_index()
    semantic = kb.semantic_search()
    assert semantic is not None
    embedded = semantic.refresh(kb.notes())
    print(f"KB ready in {time.perf_counter() - start:.1f} s ({embedded} notes embedded now)")
    return kb


def _fused_at(
    kb: KnowledgeBase, search: Callable[..., list[str]], alpha: float
) -> Callable[[str], list[str]]:
    """The fused search with ``semantic_alpha`` set to ``alpha`` for the call."""

    def run(query: str) -> list[str]:
        semantic = kb.semantic_search()
        assert semantic is not None
        saved, semantic.alpha = semantic.alpha, alpha
        try:
            return search(query, fused=True)
        finally:
            semantic.alpha = saved

    return run


def through_kb(
    kb: KnowledgeBase,
    notes_dir: Path,
    judged: Sequence[tuple[str, set[str]]],
    extra_alphas: Sequence[float] = (),
) -> list[tuple[str, list[list[str]], float]]:
    """Rankings (relative paths) and median ms per query: FTS5-OR, cosine, lexical, fused."""
    from tilbase.filters import NoteFilter

    notes = kb.notes()
    path_of = {n.id: n.path.relative_to(notes_dir).as_posix() for n in notes if n.path}
    fts = Fts5([Doc(path_of[n.id], n.title, n.body) for n in notes if n.id in path_of])
    semantic = kb.semantic_search()
    assert semantic is not None
    ranker = semantic.ranker

    def fts5(query: str) -> list[str]:
        return ranked(fts.scores(query))[:DEPTH]

    def cosine(query: str) -> list[str]:
        return [path_of[k] for k in ranked(ranker.cosine(query)) if k in path_of][:DEPTH]

    def search(query: str, *, fused: bool) -> list[str]:
        result = kb.search(NoteFilter(query=query), limit=DEPTH, semantic=fused)
        return [path_of[hit.note.id] for hit in result.hits if hit.note.id in path_of]

    methods: list[tuple[str, Callable[[str], list[str]]]] = [
        ("SQLite FTS5-OR (bm25 2.0, 1.0)", fts5),
        ("all-MiniLM-L6-v2 cosine alone", cosine),
        ("tilbase lexical (til search --lexical)", lambda q: search(q, fused=False)),
        (
            f"tilbase fused, alpha {semantic.alpha:.2f} (til search --semantic)",
            lambda q: search(q, fused=True),
        ),
    ]
    for alpha in extra_alphas:
        methods.append((f"tilbase fused, alpha {alpha:.2f}", _fused_at(kb, search, alpha)))
    rows = []
    for name, method in methods:
        method(judged[0][0])  # warm up (loads, first scan)
        rankings, seconds = [], []
        for query, _ in judged:
            start = time.perf_counter()
            rankings.append(method(query))
            seconds.append(time.perf_counter() - start)
        rows.append((name, rankings, statistics.median(seconds) * 1000))
    return rows


def run_through_kb(args: argparse.Namespace) -> int:
    """``--kb``: the four methods side by side through tilbase's search."""
    if args.sample:
        _, judged = read_sample_kb()
        notes_dir = REPO / "notes"
    else:
        judged, notes_dir = read_queries(args.queries), args.corpus
    kb = open_eval_kb(args.kb, notes_dir, args.alpha)
    print(f"{len(kb.notes())} notes, {len(judged)} judged queries")
    rows = through_kb(kb, notes_dir, judged, args.alphas)
    print("\n| method | top-1 | top-3 | MRR@10 | ms/query (in process) |\n|---|---|---|---|---|")
    for name, rankings, millis in rows:
        print(f"{quality(rankings, judged).row(name)} {millis:.0f} |")
    if args.verbose:
        by_name = {name: rankings for name, rankings, _ in rows}
        lexical, fused = list(by_name.values())[2], list(by_name.values())[3]
        for (query, relevant), lex, fus in zip(judged, lexical, fused, strict=True):
            lex_rank = next((i + 1 for i, k in enumerate(lex) if k in relevant), "-")
            fus_rank = next((i + 1 for i, k in enumerate(fus) if k in relevant), "-")
            if lex_rank != fus_rank:
                print(f"  lexical {lex_rank!s:>2}  fused {fus_rank!s:>2}  {query}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--cache", type=Path, help="keep the embeddings here between runs")
    parser.add_argument("--repeat", type=int, default=7, help="timing repeats (medians)")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--cold", action="store_true", help="also time fresh query processes")
    parser.add_argument(
        "--sample", action="store_true", help="the repository's sample KB and its judged set"
    )
    parser.add_argument("--kb", type=Path, help="rank through a tilbase KB kept in this folder")
    parser.add_argument("--alpha", type=float, help="with --kb: semantic_alpha (default 0.3)")
    parser.add_argument(
        "--alphas",
        type=lambda text: [float(a) for a in text.split(",")],
        default=[],
        help="with --kb: also the fused ranking at these alphas (0.3,0.5,...)",
    )
    args = parser.parse_args(argv)
    if args.kb is not None:
        return run_through_kb(args)
    if args.sample:
        docs, judged = read_sample_kb()
    elif not args.corpus.is_dir() or not args.queries.is_file():
        print(f"skipped: {args.corpus} or {args.queries} is missing", file=sys.stderr)
        return 0
    else:
        docs, judged = read_corpus(args.corpus), read_queries(args.queries)
    print(f"{len(docs)} notes, {len(judged)} judged queries")

    start = time.perf_counter()
    encoder = load_encoder()
    print(f"model load (locate + verify + read): {time.perf_counter() - start:.3f} s (first)")
    from tilbase.semantic.modelfiles import locate_model

    folder = locate_model()
    print(
        f"model load, median of {args.repeat}: {timed(lambda: Encoder(folder), args.repeat):.3f} s"
    )
    encoder.encode(["warm up"])
    query_time = timed(lambda: encoder.encode(["move issue between repos"]), args.repeat * 3)
    sample = embedding_text(docs[0].title, docs[0].body)
    note_time = timed(lambda: encoder.encode([sample]), args.repeat)
    print(f"one query embed: {query_time * 1000:.1f} ms; one note embed: {note_time * 1000:.1f} ms")

    with tempfile.TemporaryDirectory() as temp:
        cache = args.cache or Path(temp) / "embeddings"
        store = embed_all(encoder, docs, cache, args.verbose)
        fts = Fts5(docs)
        lexical_runs: list[dict[str, float]] = []
        dense_runs: list[dict[str, float]] = []
        for query, _ in judged:
            lexical_runs.append(fts.scores(query))
            dense_runs.append(store.query(encoder.encode([query])[0]))
        if args.cold:
            derived = Path(temp) / "derived"
            derived.mkdir()
            (derived / "embeddings").symlink_to(cache.resolve())
            cold_query(derived, args.repeat)
        size = sum(p.stat().st_size for p in cache.iterdir())
        print(f"embedding store: {size / 1e6:.2f} MB for {len(store)} notes")

    results = [("SQLite FTS5-OR (bm25 2.0, 1.0)", [ranked(s) for s in lexical_runs])]
    results.append(("all-MiniLM-L6-v2 cosine alone", [ranked(s) for s in dense_runs]))
    for alpha in ALPHAS:
        union, rerank = [], []
        for lexical, dense in zip(lexical_runs, dense_runs, strict=True):
            top_dense = dict(sorted(dense.items(), key=lambda kv: -kv[1])[:DENSE_CANDIDATES])
            candidates = {**top_dense, **{k: dense[k] for k in lexical if k in dense}}
            union.append([k for k, _ in fuse(lexical, candidates, alpha)])
            rerank.append([k for k, _ in fuse(lexical, {k: dense[k] for k in lexical}, alpha)])
        results.append((f"fused union, alpha {alpha:.1f}", union))
        results.append((f"fused rerank FTS5 hits, alpha {alpha:.1f}", rerank))

    print("\n| method | top-1 | top-3 | MRR@10 |\n|---|---|---|---|")
    for name, rankings in results:
        print(quality(rankings, judged).row(name))
    if args.verbose:
        print()
        base, dense_only = results[0][1], results[1][1]
        for (query, relevant), lexical, dense in zip(judged, base, dense_only, strict=True):
            lex_rank = next((i + 1 for i, k in enumerate(lexical[:DEPTH]) if k in relevant), "-")
            den_rank = next((i + 1 for i, k in enumerate(dense[:DEPTH]) if k in relevant), "-")
            print(f"  fts5 {lex_rank!s:>2}  cosine {den_rank!s:>2}  {query}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
