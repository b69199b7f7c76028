"""Generate a synthetic knowledge base of N notes for search benchmarks.

    python benchmarks/gen_notes.py 10000 /tmp/kb10k

Writes ``config.yaml`` and ``notes/`` (canonical note files) into the target
folder. Words follow a Zipf-like distribution over a vocabulary made of the
words in this repository's sample notes plus made-up words, so the index
has a realistic mix of very common and very rare terms. Deterministic for a
given N and ``--seed``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from tilbase.model import Note, make_id, unique_id  # noqa: E402
from tilbase.notefile import render_note  # noqa: E402

TOPICS = [
    "Python",
    "Python/Packaging",
    "Search/Whoosh",
    "Git",
    "Shell",
    "Databases/Postgres",
    "Leadership",
    "ML/Models",
    "ML/Vision",
    "Writing",
    None,
]
TAGS = ["python", "git", "shell", "lang/go", "lang/rust", "theory", "til", "ml", "db", "perf"]


def vocabulary(rng: random.Random, extra: int) -> list[str]:
    """Real words from the sample notes, then made-up ones (ordered: common first)."""
    words: dict[str, int] = {}
    for path in sorted((REPO / "notes").glob("*.md")):
        for word in re.findall(r"[a-z]{3,}", path.read_text(encoding="utf-8").lower()):
            words[word] = words.get(word, 0) + 1
    real = sorted(words, key=lambda w: -words[w])
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    made_up = set()
    while len(made_up) < extra:
        length = rng.randint(2, 4)
        made_up.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(length)))
    return real + sorted(made_up)


def zipf_words(rng: random.Random, vocab: list[str], count: int) -> list[str]:
    # Rank r is drawn with probability ~ 1/r: common words are very common, most are rare.
    n = len(vocab)
    return [vocab[min(int(n ** rng.random()) - 1, n - 1)] for _ in range(count)]


def make_note(
    rng: random.Random,
    vocab: list[str],
    taken: set[str],
    *,
    words: tuple[int, int] | None = None,
    tags: list[str] = TAGS,
) -> Note:
    """One note. ``words`` (min, max) sets the body length; by default 3-12 short bullets."""
    title = " ".join(zipf_words(rng, vocab, rng.randint(4, 9))).capitalize()
    bullets = []
    if words is None:
        for _ in range(rng.randint(3, 12)):
            bullets.append("- " + " ".join(zipf_words(rng, vocab, rng.randint(5, 22))))
    else:
        left = rng.randint(*words)
        while left > 0:
            size = min(left, rng.randint(8, 30))
            bullets.append("- " + " ".join(zipf_words(rng, vocab, size)))
            left -= size
    if rng.random() < 0.2:
        bullets.append("```python\nprint('" + " ".join(zipf_words(rng, vocab, 6)) + "')\n```")
    date = None
    if rng.random() < 0.9:
        date = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randint(0, 4 * 365))
    note_id = unique_id(make_id(title, date), taken)
    taken.add(note_id)
    return Note(
        id=note_id,
        title=title,
        date=date,
        topic=rng.choice(TOPICS),
        tags=tuple(rng.sample(tags, rng.randint(0, 3))),
        body="\n".join(bullets) + "\n",
    )


def main() -> None:
    """Write the KB."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    vocab = vocabulary(rng, extra=max(2000, args.count * 4))
    notes_dir = args.target / "notes"
    notes_dir.mkdir(parents=True, exist_ok=True)
    (args.target / "config.yaml").write_text("notes_dir: notes\n", encoding="utf-8")
    taken: set[str] = set()
    for _ in range(args.count):
        note = make_note(rng, vocab, taken)
        (notes_dir / f"{note.id}.md").write_text(render_note(note), encoding="utf-8")
    print(f"wrote {args.count} notes to {notes_dir}")


if __name__ == "__main__":
    main()
