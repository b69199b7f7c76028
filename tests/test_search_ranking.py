"""Ranking on a small fixture KB: the "Done when" behaviours of the search issue."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.search_fixtures import write_notes
from tilbase.filters import NoteFilter
from tilbase.kb import KnowledgeBase
from tilbase.model import Note


@pytest.fixture
def fixture_kb(kb: KnowledgeBase) -> KnowledgeBase:
    write_notes(kb.config.notes_dir)
    return kb


def top_ids(kb: KnowledgeBase, query: str, n: int = 3, **filters: object) -> list[str]:
    result = kb.search(NoteFilter(query=query, **filters), limit=n)  # type: ignore[arg-type]
    return [hit.note.id for hit in result.hits]


def test_gil_finds_the_day_log_entry_first(fixture_kb: KnowledgeBase) -> None:
    assert top_ids(fixture_kb, "GIL")[0] == "2022-11-25-day-87"


@pytest.mark.parametrize(
    "query",
    ["why is python slow", "python threads one core", "global interpreter lock"],
)
def test_paraphrases_of_the_gil_entry_rank_it_in_the_top_3(
    fixture_kb: KnowledgeBase, query: str
) -> None:
    assert "2022-11-25-day-87" in top_ids(fixture_kb, query)


def test_kedro_returns_both_november_insights_in_the_top_3(fixture_kb: KnowledgeBase) -> None:
    top = top_ids(fixture_kb, "kedro")
    assert {"2022-11-17-which-pipeline-orchestration-should-i-use", "2022-11-14-what-is-kedro"} <= (
        set(top)
    )


def test_since_keeps_only_notes_dated_on_or_after_and_drops_undated(
    fixture_kb: KnowledgeBase,
) -> None:
    ids = top_ids(fixture_kb, "kedro", n=10, since=dt.date(2022, 11, 15))
    assert ids == ["2022-11-17-which-pipeline-orchestration-should-i-use"]


def test_until_and_date_range_query_agree(fixture_kb: KnowledgeBase) -> None:
    by_option = top_ids(fixture_kb, "kedro", n=10, until=dt.date(2022, 11, 15))
    by_query = top_ids(fixture_kb, "kedro AND date:[2000-01-01 to 2022-11-15]", n=10)
    assert by_option == by_query == ["2022-11-14-what-is-kedro"]


def test_tag_query_returns_the_lifelong_learning_entry(fixture_kb: KnowledgeBase) -> None:
    assert top_ids(fixture_kb, "tag:theory", n=10) == ["2023-02-14-how-to-enable-lifelong-learning"]


def test_topic_filter_returns_the_two_leadership_entries(fixture_kb: KnowledgeBase) -> None:
    ids = fixture_kb.search_ids(NoteFilter(query="*", topic="leadership"))
    assert sorted(ids) == [
        "2023-01-26-how-to-answer-questions-about-your-salary",
        "2023-01-26-quality-metrics-for-leadership-success",
    ]
    # Without the filter the day log that mentions leadership is found too.
    assert "2022-12-01-day-92" in top_ids(fixture_kb, "leadership", n=10)


def test_topic_filter_is_hierarchical_and_ignores_case(fixture_kb: KnowledgeBase) -> None:
    ids = fixture_kb.search_ids(NoteFilter(query="kedro OR orchestration", topic="PIPELINE orch"))
    assert ids == []
    ids = fixture_kb.search_ids(NoteFilter(query="kedro", topic="pipeline orchestration"))
    assert set(ids) == {
        "2022-11-17-which-pipeline-orchestration-should-i-use",
        "2022-11-14-what-is-kedro",
    }


@pytest.mark.parametrize("query", [None, "*"])
def test_tag_option_is_hierarchical(fixture_kb: KnowledgeBase, query: str | None) -> None:
    # Without a query the index is not used; with "*" it is: both must agree.
    lang = fixture_kb.search_ids(NoteFilter(query=query, tags=("Lang",)))
    assert set(lang) == {"2022-10-05-python-packaging", "2022-10-03-git-worktree"}
    python = fixture_kb.search_ids(NoteFilter(query=query, tags=("lang/python",)))
    assert python == ["2022-10-05-python-packaging"]
    assert fixture_kb.search_ids(NoteFilter(query=query, tags=("lan",))) == []


def test_tag_field_in_the_query_is_hierarchical(fixture_kb: KnowledgeBase) -> None:
    assert set(top_ids(fixture_kb, "tag:lang", n=10)) == {
        "2022-10-05-python-packaging",
        "2022-10-03-git-worktree",
    }
    assert top_ids(fixture_kb, "#git", n=10) == ["2022-10-03-git-worktree"]


def test_sort_by_date_puts_newest_first_and_undated_last(fixture_kb: KnowledgeBase) -> None:
    result = fixture_kb.search(NoteFilter(query="kedro"), limit=10, sort="date")
    ids = [hit.note.id for hit in result.hits]
    assert ids == [
        "2022-11-17-which-pipeline-orchestration-should-i-use",
        "2022-11-14-what-is-kedro",
        "kedro-plugins-worth-a-look",
    ]


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [("kedor", "kedro"), ("decison tree", "decision tree"), ("decison trees", "decision trees")],
)
def test_typos_get_a_did_you_mean_with_real_words(
    fixture_kb: KnowledgeBase, query: str, suggestion: str
) -> None:
    assert fixture_kb.search(NoteFilter(query=query)).suggestion == suggestion


@pytest.mark.parametrize(
    "query", ["kedro", "decision trees", "trees", "learn", "python slow", "kedro slaw"]
)
def test_known_words_get_no_suggestion(fixture_kb: KnowledgeBase, query: str) -> None:
    # "trees" and "learn" are only in the index as stems (tree, learn): still known words.
    # "slaw" is one letter from "slow", but a and o are not neighbouring keys and the
    # query found notes, so it is taken as meant.
    assert fixture_kb.search(NoteFilter(query=query)).suggestion is None


# Regressions: real words searched as other real words. "cap a lambda" became "ca a
# lambda" (ca from --ca-bundle); "when did it last make a call" became "when dir it ...",
# and "dir" counted in full where the question word "did" counts 0.3.
NOT_CORRECTED = [
    (
        "cap a lambda",
        [
            Note(id="bundle", title="CA bundle", body="pass --ca-bundle to trust a private ca\n"),
            Note(id="lambda", title="Lambda", body="reserved concurrency for a lambda\n"),
        ],
        ["lambda"],
    ),
    (
        "when did it last make a call",
        [
            Note(id="dir", title="Listing", body="dir lists a folder; use it on windows\n"),
            Note(
                id="last-used", title="Access key last used", body="when a key last made a call\n"
            ),
        ],
        ["last-used"],
    ),
]


@pytest.mark.parametrize(("query", "notes", "found"), NOT_CORRECTED)
def test_a_real_word_is_not_corrected_to_another(
    kb: KnowledgeBase, query: str, notes: list[Note], found: list[str]
) -> None:
    write_notes(kb.config.notes_dir, notes)
    result = kb.search(NoteFilter(query=query))
    assert result.suggestion is None
    assert not result.corrected
    assert [hit.note.id for hit in result.hits] == found


def test_a_word_said_on_its_own_outranks_the_same_word_inside_a_json_key(
    kb: KnowledgeBase,
) -> None:
    # On the AWS CLI recipes, "why is my target showing unhealthy" found pages of JSON
    # output ("UnhealthyThresholdCount") before the page saying "unhealthy". Two notes
    # alike but for that: with the parts of a camelCase word counting in full they tied.
    notes = [
        Note(id="json-key", title="Health", body='{"UnhealthyCount": 2}\n'),
        Note(id="prose", title="Health", body="unhealthy: 2\n"),
    ]
    write_notes(kb.config.notes_dir, notes)
    hits = kb.search(NoteFilter(query="unhealthy"), limit=2).hits
    assert [hit.note.id for hit in hits] == ["prose", "json-key"]
    assert hits[0].score is not None
    assert hits[1].score is not None
    assert hits[0].score > hits[1].score


def test_a_short_word_is_taken_as_meant_unless_two_letters_are_swapped(
    kb: KnowledgeBase,
) -> None:
    # Regression: "cdn still serving old images" was searched with "cdb" as well, and
    # "cap a lambda" with "chap": in a short word one letter more, less or changed is
    # usually another real word. Two letters swapped (gti) is still a typo.
    notes = [
        Note(id="cdb", title="Debugging with cdb", body="cdb is the console debugger\n"),
        Note(id="images", title="Stale images", body="old images served after a deploy\n"),
        Note(id="rebase", title="Git rebase", body="git rebase onto main\n"),
    ]
    write_notes(kb.config.notes_dir, notes)
    result = kb.search(NoteFilter(query="cdn serving old images"))
    assert result.suggestion is None
    assert [hit.note.id for hit in result.hits] == ["images"]
    swapped = kb.search(NoteFilter(query="gti rebase"))
    assert swapped.suggestion == "git rebase"
    # A query that finds nothing still gets any one-letter correction.
    assert kb.search(NoteFilter(query="cdn")).suggestion == "cdb"


def test_did_you_mean_is_printed_on_stderr(run: Run, kb_dir: Path) -> None:
    write_notes(kb_dir / "notes")
    typo = run("search", "kedor")
    assert typo.exit_code == 0
    # A word in no note is searched as its closest real word as well, and says so.
    assert "kedro" in typo.stdout.lower()
    assert "did you mean: kedro (searched as well)" in typo.stderr
    tree = run("search", "decison tree", "--json")
    assert tree.exit_code == 0
    assert "did you mean: decision tree" in tree.stderr
    assert json.loads(tree.stdout)[0]["id"] in {
        "2022-11-14-how-do-decision-trees-learn",
        "why-ensembles-beat-one-tree",
    }


def test_free_words_are_ored_and_notes_matching_more_words_rank_higher(
    fixture_kb: KnowledgeBase,
) -> None:
    # No note has all three words; requiring every word would find nothing.
    top = top_ids(fixture_kb, "kedro plugins docker")
    assert top[0] == "kedro-plugins-worth-a-look"
    assert top_ids(fixture_kb, "kedro AND docker AND salary") == []


def test_a_common_title_word_does_not_outweigh_a_rare_body_word(kb: KnowledgeBase) -> None:
    notes = [
        Note(id=f"python-tip-{i}", title=f"Python tip {i}", body=f"python detail number {i}\n")
        for i in range(12)
    ]
    notes.append(
        Note(
            id="threads-and-the-mutex",
            title="Threads in CPython",
            body="only one thread holds the interpreter mutex at a time\n",
        )
    )
    write_notes(kb.config.notes_dir, notes)
    assert top_ids(kb, "python mutex", n=1) == ["threads-and-the-mutex"]


def test_a_note_with_every_word_beats_one_with_the_commonest_word_in_its_title(
    fixture_kb: KnowledgeBase,
) -> None:
    # Regression: Whoosh's additive coordination (SQR) left "Python packaging" (title: python)
    # above the day-log entry holding python, slow and GIL; the bonus now multiplies the score.
    assert top_ids(fixture_kb, "python slow gil", n=1) == ["2022-11-25-day-87"]


def test_title_matches_beat_body_matches_for_the_same_word(kb: KnowledgeBase) -> None:
    notes = [
        Note(id="rebase-in-body", title="Tidy history", body="use git rebase to tidy commits\n"),
        Note(id="rebase-in-title", title="Git rebase", body="rewrites commits onto a new base\n"),
        Note(id="other", title="Merge", body="a merge commit joins two histories\n"),
    ]
    write_notes(kb.config.notes_dir, notes)
    assert top_ids(kb, "rebase", n=2) == ["rebase-in-title", "rebase-in-body"]


def test_a_word_in_the_prose_outranks_the_same_word_only_in_code(kb: KnowledgeBase) -> None:
    # The code note says "rsync" twice, the prose note once, in bodies of the same length:
    # without CODE_WEIGHT the code note would come first.
    notes = [
        Note(
            id="prose",
            title="Back up a folder",
            body="Copy the folder to the backup host with rsync, keeping permissions.\n\n"
            "```sh\ncp -a src dest\nls -la dest\n```\n",
        ),
        Note(
            id="code",
            title="Back up a folder",
            body="Copy the folder to the backup host, keeping permissions.\n\n"
            "```sh\nrsync -a src dest\nrsync -n src dest\n```\n",
        ),
        Note(id="other", title="Merge", body="a merge commit joins two histories\n"),
    ]
    write_notes(kb.config.notes_dir, notes)
    assert top_ids(kb, "rsync", n=2) == ["prose", "code"]


def _prefix_notes() -> list[Note]:
    return [
        Note(
            id="titlecase",
            title="Digraphs have a titlecase",
            body="Some letters have an uppercase, a lowercase and a third form.\n",
        ),
        Note(id="nginx-conf", title="Check nginx files", body="nginx -t reads the configuration\n"),
        Note(id="other", title="Merge", body="a merge commit joins two histories\n"),
        Note(id="model", title="A data model", body="a model of the data in a modern app\n"),
    ]


def test_a_word_finds_the_longer_words_it_begins(kb: KnowledgeBase) -> None:
    # Regression (issue 10): "upper and lower" never found a note saying uppercase/lowercase,
    # and "config" never found "configuration": the stemmer does not join them.
    write_notes(kb.config.notes_dir, _prefix_notes())
    assert top_ids(kb, "upper lower", n=1) == ["titlecase"]
    assert top_ids(kb, "nginx config", n=1) == ["nginx-conf"]
    assert top_ids(kb, "config", n=10) == ["nginx-conf"]


def test_the_whole_word_outranks_a_longer_word_it_begins(kb: KnowledgeBase) -> None:
    notes = [
        Note(id="longer", title="Letters", body="an uppercase letter starts a sentence\n"),
        Note(id="whole", title="Letters", body="an upper letter starts a sentence\n"),
    ]
    write_notes(kb.config.notes_dir, notes)
    assert top_ids(kb, "upper", n=2) == ["whole", "longer"]


def test_short_words_are_not_expanded(kb: KnowledgeBase) -> None:
    # "mode" would find "model" and "modern": four-letter stems are mostly other words.
    notes = [*_prefix_notes(), Note(id="vim-mode", title="Vim", body="normal mode\n")]
    write_notes(kb.config.notes_dir, notes)
    assert top_ids(kb, "mode", n=10) == ["vim-mode"]


def test_expanded_words_are_highlighted(kb: KnowledgeBase) -> None:
    write_notes(kb.config.notes_dir, _prefix_notes())
    [hit] = kb.search(NoteFilter(query="config"), limit=1).hits
    assert ("configuration", True) in hit.snippet


def test_words_that_frame_a_question_count_less_than_its_topic(kb: KnowledgeBase) -> None:
    # Regression (issue 10): question words and pronouns ("which", "am", "i") are rare in
    # technical notes, so their IDF let a note full of them outrank the one on the topic.
    notes = [
        Note(id="ubuntu", title="Ubuntu version", body="lsb_release -r prints the release\n"),
        Note(id="backups", title="Backups", body="Which disk do I back up, and how?\n"),
        *(Note(id=f"n{i}", title=f"Note {i}", body=f"about topic {i}\n") for i in range(20)),
    ]
    write_notes(kb.config.notes_dir, notes)
    assert top_ids(kb, "how do i check which ubuntu release", n=2) == ["ubuntu", "backups"]
    # Alone, a question word is searched like any word: a note about it is found.
    assert top_ids(kb, "which", n=1) == ["backups"]


def test_notes_with_the_words_close_together_rank_first(kb: KnowledgeBase) -> None:
    notes = [
        Note(
            id="apart",
            title="Git notes",
            body="Undo is hard. Many words sit here between them. The last thing: commit.\n",
        ),
        Note(
            id="together",
            title="Git notes",
            body="Undo the last commit. Many words sit here after them, to even the lengths.\n",
        ),
        *(Note(id=f"n{i}", title=f"Note {i}", body=f"about topic {i}\n") for i in range(10)),
    ]
    write_notes(kb.config.notes_dir, notes)
    assert top_ids(kb, "undo last commit", n=2) == ["together", "apart"]
    # The bonus is part of the score shown, sorted by date as by relevance.
    by_relevance = kb.search(NoteFilter(query="undo last commit"), limit=2).hits
    by_date = kb.search(NoteFilter(query="undo last commit"), limit=2, sort="date").hits
    assert {h.note.id: h.score for h in by_relevance} == {h.note.id: h.score for h in by_date}


def test_the_proximity_bonus_reaches_notes_in_every_index_segment(kb: KnowledgeBase) -> None:
    # Notes added after the first search land in new segments: their positions are read
    # through each segment's own reader (document numbers offset per segment).
    filler = [Note(id=f"n{i}", title=f"Note {i}", body=f"about topic {i}\n") for i in range(10)]
    apart = Note(
        id="apart", title="Git notes", body="Undo is hard. Many words here. The last: commit.\n"
    )
    write_notes(kb.config.notes_dir, [*filler, apart])
    assert top_ids(kb, "undo last commit", n=1) == ["apart"]
    together = Note(id="together", title="Git notes", body="Undo the last commit. Many words.\n")
    write_notes(kb.config.notes_dir, [together])
    assert top_ids(kb, "undo last commit", n=2) == ["together", "apart"]
    from whoosh import index

    from tilbase.index.schema import INDEX_NAME

    assert len(index.open_dir(str(kb.config.index_dir), indexname=INDEX_NAME)._segments()) > 1
