"""A small knowledge base for search tests, shaped like the imported seed notes.

The notes mirror the "Done when" cases of the search issue (a day-log entry
about the GIL, two Kedro insights from November 2022, a lifelong-learning note
tagged theory, two Leadership notes, a note about decision trees) among
distractors that share some of their words. Texts are written for these tests.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tilbase.model import Note
from tilbase.notefile import render_note

D = dt.date

FIXTURE_NOTES: list[Note] = [
    Note(
        id="2022-11-25-day-87",
        title="Day 87: Nov 25, 2022",
        date=D(2022, 11, 25),
        body=(
            "- why is python slow\n"
            "  - the interpreter runs one thread at a time on a single core\n"
            "  - the Global Interpreter Lock (GIL) is a mutex that lets only one thread run\n"
            "    bytecode, so CPU-bound work cannot use several cores\n"
            "- ways out: asyncio for waiting on I/O, threading, multiprocessing\n"
            "  - every process has its own memory and its own GIL\n"
        ),
    ),
    Note(
        id="2022-11-24-day-86",
        title="Day 86: Nov 24, 2022",
        date=D(2022, 11, 24),
        body=(
            "- profiling python code with cProfile and pstats\n"
            "- httpx gives an async client; gather many requests with asyncio\n"
            "- python dataclasses can be frozen\n"
        ),
    ),
    Note(
        id="2022-11-17-which-pipeline-orchestration-should-i-use",
        title="Which pipeline orchestration should I use at this point?",
        date=D(2022, 11, 17),
        topic="Pipeline Orchestration",
        body=(
            "- Kedro, ZenML, MetaFlow and Airflow are free and popular\n"
            "- Kedro is strict about project structure and has many plugins\n"
            "- Kedro suits medium to large teams; ZenML stays minimal\n"
            "- Airflow is powerful but wants data handled its own way\n"
        ),
    ),
    Note(
        id="2022-11-17-what-is-pipeline-orchestration",
        title="What is pipeline orchestration?",
        date=D(2022, 11, 17),
        topic="Pipeline Orchestration",
        body="- a tool that plugs modular, reusable steps together from a config file\n",
    ),
    Note(
        id="2022-11-14-what-is-kedro",
        title="What is Kedro?",
        date=D(2022, 11, 14),
        topic="Pipeline Orchestration/Kedro",
        body=(
            "- a modular setup for building and running data science workflows\n"
            "- covers preprocessing, data versioning, parallel runs and visualisation\n"
        ),
    ),
    Note(
        id="kedro-plugins-worth-a-look",
        title="Plugins worth a look",
        topic="Tools",
        body="- kedro-viz draws the pipeline graph\n- kedro-docker builds images\n",
    ),
    Note(
        id="2023-02-14-how-to-enable-lifelong-learning",
        title="How to enable lifelong learning?",
        date=D(2023, 2, 14),
        topic="Neural Networks",
        tags=("theory",),
        body=(
            "- embed inputs in a structure that separates them well\n"
            "- let a central structure route work to specialised areas\n"
            "- freeze areas near the input once they score well enough\n"
        ),
    ),
    Note(
        id="2023-01-26-how-to-answer-questions-about-your-salary",
        title="How to answer questions about your salary?",
        date=D(2023, 1, 26),
        topic="Leadership",
        body=(
            "- salary is often read as a measure of value, so it is a touchy topic\n"
            "- do not raise hopes before anything is confirmed\n"
        ),
    ),
    Note(
        id="2023-01-26-quality-metrics-for-leadership-success",
        title="Quality metrics for Leadership success?",
        date=D(2023, 1, 26),
        topic="Leadership",
        body="- raises you helped to get\n- retention\n- team satisfaction and velocity\n",
    ),
    Note(
        id="2022-12-01-day-92",
        title="Day 92: Dec 1, 2022",
        date=D(2022, 12, 1),
        body="- success metric for leadership is trust\n- read about team topologies\n",
    ),
    Note(
        id="2022-11-14-how-do-decision-trees-learn",
        title="How do decision trees learn?",
        date=D(2022, 11, 14),
        topic="Models/Decision Trees",
        body=(
            "1. pick the feature with the highest information gain\n"
            "2. split the data on it into classes\n"
            "3. repeat inside each split until no features are left\n"
        ),
    ),
    Note(
        id="why-ensembles-beat-one-tree",
        title="Why ensembles beat one tree",
        tags=("ml",),
        body=(
            "- an ensemble of decision trees overfits less than a single tree\n"
            "- bagging trains each tree on a bootstrap sample\n"
        ),
    ),
    Note(
        id="2022-10-03-git-worktree",
        title="git worktree checks out a second branch",
        date=D(2022, 10, 3),
        tags=("git", "lang/shell"),
        body="- `git worktree add ../other branch` gives a second checkout\n",
    ),
    Note(
        id="2022-10-05-python-packaging",
        title="Python packaging with a src layout",
        date=D(2022, 10, 5),
        topic="Python/Packaging",
        tags=("lang/python",),
        body="- hatchling finds a package under src/ by itself\n",
    ),
]


def write_notes(notes_dir: Path, notes: list[Note] = FIXTURE_NOTES) -> dict[str, Path]:
    """Write notes as canonical files (as an editor or an import would); id -> path."""
    notes_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for note in notes:
        path = notes_dir / f"{note.id}.md"
        path.write_text(render_note(note), encoding="utf-8")
        paths[note.id] = path
    return paths
