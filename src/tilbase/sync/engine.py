"""``til sync``: commit this machine's note changes, fetch, merge, push — through the git CLI.

The order keeps a failed sync harmless. The remote is fetched *before*
anything is committed, so an unreachable remote changes nothing; a
``config.yaml`` changed on both sides in the same lines is detected from the
fetched objects, also before anything is committed, and stops the sync. Only
then are this machine's changes under the notes folder and ``config.yaml``
committed, the remote branch merged, the notes git could not merge resolved
(``tilbase.sync.merge``), and the result pushed. A push that loses a race
with another machine fetches and merges again (a few times).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import tempfile
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path, PurePosixPath

from tilbase.config import DEFAULT_CONFIG_TEXT, STATE_DIR_NAME
from tilbase.sync.git import Git, SyncError, find_git
from tilbase.sync.merge import (
    conflict_copy_text,
    conflict_id,
    conflict_notice,
    merge_note,
    with_notice,
)
from tilbase.sync.report import ConflictCopy, GitSyncReport, Identity, SyncTarget

__all__ = [
    "ConflictCopy",
    "GitSyncReport",
    "Identity",
    "SyncTarget",
    "init_repository",
    "sync_repository",
]

DEFAULT_BRANCH = "main"
REMOTE_NAME = "origin"
LOCK_TIMEOUT = 60.0
_PUSH_ATTEMPTS = 3
_LISTED_IDS = 200


def init_repository(
    root: Path,
    ignored: Iterable[Path] = (),
    branch: str | None = None,
    notes_dir: Path | None = None,
) -> bool:
    """Make the KB folder a git repository (``til init --git``); ``False`` when it already is one.

    Writes or completes the ``.gitignore`` so ``.tilbase/``, ``ignored``
    folders inside the KB and hidden files in ``notes_dir`` are never
    committed. Nothing is committed.
    """
    git = Git(root.resolve(), find_git())
    created = _open_repository(git)
    if created:
        git.run("init", "-q", "-b", branch or DEFAULT_BRANCH)
    notes_rel = _relative(notes_dir, git.root, "notes folder") if notes_dir else "."
    _ensure_gitignore(git.root, ignored, notes_rel)
    return created


def sync_repository(
    target: SyncTarget,
    *,
    remote: str | None = None,
    branch: str | None = None,
    identity: Identity | None = None,
    host: str | None = None,
    today: dt.date | None = None,
) -> GitSyncReport:
    """Commit local changes, fetch, merge and push the KB at ``target.root``.

    ``remote`` sets ``origin`` (first use) or replaces its URL; ``branch``
    names the remote branch (default: the current branch's upstream, else its
    own name; for a new repository the remote's ``main``/``master``/only branch).
    Commits are by ``identity`` where given, else by git's own configured
    ``user.name``/``user.email`` (repository, global, system), else by
    ``tilbase`` <``tilbase@HOST``>. Raises ``SyncError`` (nothing changed) when
    git is missing, the remote cannot be reached, or ``config.yaml`` changed on
    both sides in the same lines.
    """
    from tilbase.writelock import hold

    root = target.root.resolve()
    git = Git(root, find_git())
    if remote and "://" not in remote and Path(remote).expanduser().exists():
        remote = str(Path(remote).expanduser().resolve())  # git would read it from the KB folder
    with hold(root / STATE_DIR_NAME / "sync.lock", timeout=LOCK_TIMEOUT):
        run = _SyncRun(git, target, host or _hostname(), today or dt.date.today())
        return run.sync(remote, branch, identity or Identity())


def _hostname() -> str:
    return socket.gethostname().split(".")[0] or "host"


def _open_repository(git: Git) -> bool:
    """True when ``git.root`` is not yet a repository; ``SyncError`` if it is inside another one."""
    result = git.run("rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0:
        return True
    top = Path(result.text.strip())
    if not top.exists() or not os.path.samefile(top, git.root):
        raise SyncError(
            f"the knowledge base {git.root} is inside the git repository {top}; "
            "til sync keeps a repository of its own in the KB folder; nothing was changed",
            "move the KB out of that repository, or commit its notes with git yourself",
        )
    return False


def _ensure_gitignore(root: Path, ignored: Iterable[Path], notes_rel: str = ".") -> None:
    wanted = [f"{STATE_DIR_NAME}/"]
    if notes_rel != ".":  # hidden files are not notes: editor swap files, temp files
        wanted.append(f"/{notes_rel}/**/.*")
    for folder in ignored:
        try:
            rel = Path(folder).resolve().relative_to(root)
        except ValueError:
            continue
        wanted.append(f"/{rel.as_posix()}/")
    path = root / ".gitignore"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    present = {line.strip() for line in text.splitlines()}
    missing = [w for w in wanted if w not in present and w.rstrip("/") not in present]
    if missing:
        if text and not text.endswith("\n"):
            text += "\n"
        path.write_text(text + "".join(f"{w}\n" for w in missing), encoding="utf-8")


def _relative(path: Path, root: Path, what: str) -> str:
    try:
        rel = path.resolve().relative_to(root)
    except ValueError:
        raise SyncError(
            f"the {what} {path} is outside the knowledge base folder {root}; "
            "til sync can only sync what is inside it",
            f"move the {what} into {root}",
        ) from None
    return rel.as_posix() or "."


class _SyncRun:
    """One sync: the state shared by its steps."""

    def __init__(self, git: Git, target: SyncTarget, host: str, today: dt.date) -> None:
        self.git = git
        self.root = git.root
        self.target = target
        self.host = host
        self.today = today
        self.notes_rel = _relative(target.notes_dir, self.root, "notes folder")
        self.config_rel = _relative(target.config_path, self.root, "config file")

    # -- the steps ------------------------------------------------------------

    def sync(self, remote: str | None, branch: str | None, identity: Identity) -> GitSyncReport:
        created = _open_repository(self.git)
        url = remote or (None if created else self._origin_url())
        if created:
            if url:
                self._check_reachable(url)
            self.git.run("init", "-q", "-b", branch or DEFAULT_BRANCH)
        self._refuse_unfinished_operation()
        self._set_identity(identity)
        local_branch = self._current_branch()
        unborn = not self._has_head()
        if url:
            self._fetch(url)
        remote_branch = self._remote_branch(branch, local_branch, unborn)
        if unborn and remote_branch != local_branch:
            self.git.run("symbolic-ref", "HEAD", f"refs/heads/{remote_branch}")
            local_branch = remote_branch
        report = GitSyncReport(branch=remote_branch, remote=url, created_repository=created)
        if remote:
            self._set_origin(remote, report)
        tracking = f"refs/remotes/{REMOTE_NAME}/{remote_branch}"
        has_remote_branch = url is not None and self.git.ok("rev-parse", "-q", "--verify", tracking)
        take_their_config = False
        if has_remote_branch:
            take_their_config = self._check_config(tracking, unborn)
        _ensure_gitignore(self.root, self.target.ignored, self.notes_rel)
        before = self._head()
        if unborn and has_remote_branch:
            with self._write_lock():
                self._adopt(tracking, take_their_config, report)
        report.committed = self._commit_local()
        if url is None:
            return report
        for attempt in range(_PUSH_ATTEMPTS):
            if attempt:
                self._fetch(url, committed=True)
            if self.git.ok("rev-parse", "-q", "--verify", tracking):
                with self._write_lock():
                    self._merge(tracking, before, take_their_config, report)
            if self._push(url, remote_branch, tracking, report):
                break
        else:
            raise SyncError(
                f"the remote kept changing while pushing to {url}; your notes are committed here",
                "run til sync again",
            )
        self.git.run("config", f"branch.{local_branch}.remote", REMOTE_NAME)
        self.git.run("config", f"branch.{local_branch}.merge", f"refs/heads/{remote_branch}")
        return report

    def _write_lock(self) -> AbstractContextManager[None]:
        """The KB's write lock (``til tag`` and imports hold it to read-modify-write notes)."""
        if self.target.write_lock is None:
            return contextlib.nullcontext()
        from tilbase.writelock import hold

        return hold(self.target.write_lock)

    def _origin_url(self) -> str | None:
        result = self.git.run("config", "--get", f"remote.{REMOTE_NAME}.url", check=False)
        return result.text.strip() or None

    def _unreachable(self, url: str, detail: str, committed: bool = False) -> SyncError:
        outcome = (
            "your notes are committed here and the next sync pushes them"
            if committed
            else "nothing was changed"
        )
        return SyncError(
            f"cannot reach the remote {url} ({detail or 'no answer'}); {outcome}",
            "check the URL (til sync --remote URL replaces it) and your network",
        )

    def _check_reachable(self, url: str) -> None:
        result = self.git.run("ls-remote", "--heads", url, check=False)
        if result.returncode != 0:
            raise self._unreachable(url, result.last_error_line())

    def _fetch(self, url: str, committed: bool = False) -> None:
        refspec = f"+refs/heads/*:refs/remotes/{REMOTE_NAME}/*"
        result = self.git.run("fetch", "-q", "--prune", "--no-tags", url, refspec, check=False)
        if result.returncode != 0:
            raise self._unreachable(url, result.last_error_line(), committed)

    def _refuse_unfinished_operation(self) -> None:
        git_dir = Path(self.git.out("rev-parse", "--absolute-git-dir"))
        for name, what in (
            ("MERGE_HEAD", "a merge"),
            ("rebase-merge", "a rebase"),
            ("rebase-apply", "a rebase"),
            ("CHERRY_PICK_HEAD", "a cherry-pick"),
        ):
            if (git_dir / name).exists():
                raise SyncError(
                    f"{what} is in progress in the KB's git repository; nothing was changed",
                    f"finish it or abort it with git (in {self.root}), then run til sync again",
                )

    def _set_identity(self, identity: Identity) -> None:
        for key, given, fallback in (
            ("user.name", identity.name, "tilbase"),
            ("user.email", identity.email, f"tilbase@{self.host}"),
        ):
            if given:
                self.git.settings[key] = given
            elif not self.git.run("config", "--get", key, check=False).text.strip():
                self.git.settings[key] = fallback

    def _current_branch(self) -> str:
        result = self.git.run("symbolic-ref", "--short", "-q", "HEAD", check=False)
        if result.returncode != 0:
            raise SyncError(
                "the KB's git repository is not on a branch (a detached HEAD); nothing was changed",
                f"switch to a branch with git (in {self.root}), then run til sync again",
            )
        return result.text.strip()

    def _has_head(self) -> bool:
        return self.git.ok("rev-parse", "-q", "--verify", "HEAD")

    def _head(self) -> str | None:
        result = self.git.run("rev-parse", "-q", "--verify", "HEAD", check=False)
        return result.text.strip() if result.returncode == 0 else None

    def _remote_branch(self, given: str | None, local: str, unborn: bool) -> str:
        if given:
            return given
        if not unborn:
            upstream = self.git.run("config", "--get", f"branch.{local}.merge", check=False)
            name = upstream.text.strip().removeprefix("refs/heads/")
            return name or local
        prefix = f"refs/remotes/{REMOTE_NAME}/"
        names = [
            ref.removeprefix(prefix)
            for ref in self.git.out("for-each-ref", "--format=%(refname)", prefix).splitlines()
        ]
        for candidate in (local, "main", "master"):
            if candidate in names:
                return candidate
        return names[0] if len(names) == 1 else local

    def _set_origin(self, url: str, report: GitSyncReport) -> None:
        current = self._origin_url()
        if current == url:
            return
        if current is None:
            self.git.run("remote", "add", REMOTE_NAME, url)
        else:
            self.git.run("remote", "set-url", REMOTE_NAME, url)
            report.previous_remote = current
        report.remote_set = True

    def _check_config(self, tracking: str, unborn: bool) -> bool:
        """Stop now if config.yaml changed on both sides in the same lines.

        Returns True when the remote's config should simply replace ours: a
        machine joining with the untouched config ``til init`` wrote.
        """
        path = self.target.config_path
        local = path.read_bytes() if path.exists() else None
        theirs = self.git.blob(f"{tracking}:{self.config_rel}")
        base_rev = None if unborn else self._merge_base("HEAD", tracking)
        base = self.git.blob(f"{base_rev}:{self.config_rel}") if base_rev else None
        if theirs is None or local is None or local in (theirs, base) or theirs == base:
            return False
        if base_rev is None and local == DEFAULT_CONFIG_TEXT.encode("utf-8"):
            return True
        merged = self.merge_lines(
            (base or b"").decode("utf-8", "replace"),
            local.decode("utf-8", "replace"),
            theirs.decode("utf-8", "replace"),
        )
        if merged is None:
            raise self._config_conflict(tracking)
        return False

    def _config_conflict(self, tracking: str) -> SyncError:
        return SyncError(
            f"{self.config_rel} was changed here and on the remote in the same lines; "
            "nothing was changed",
            f"make them agree (the remote's: git -C {self.root} show {tracking.split('/', 2)[2]}:"
            f"{self.config_rel}), then run til sync again",
        )

    def _merge_base(self, a: str, b: str) -> str | None:
        result = self.git.run("merge-base", a, b, check=False)
        return result.text.strip() if result.returncode == 0 else None

    def _pathspecs(self) -> list[str]:
        specs = []
        for rel in dict.fromkeys((self.notes_rel, self.config_rel, ".gitignore")):
            if (self.root / rel).exists() or self.git.run("ls-files", "--", rel).text.strip():
                specs.append(rel)
        return specs

    def _commit_local(self) -> dict[str, list[str]]:
        specs = self._pathspecs()
        if not specs:
            return {}
        self.git.run("add", "-A", "--", *specs)
        changes = self.git.lines_z(
            "diff", "--cached", "--no-renames", "--name-status", "-z", "--", *specs
        )
        committed: dict[str, list[str]] = {}
        for status, rel in zip(changes[::2], changes[1::2], strict=True):
            if not self._is_note(rel):
                continue
            kind = {"A": "added", "D": "removed"}.get(status[:1], "edited")
            committed.setdefault(kind, []).append(rel)
        if not changes:
            return {}
        for kind, rels in committed.items():
            committed[kind] = [self._note_id(rel, deleted=kind == "removed") for rel in rels]
        paths = "".join(f"{rel}\0" for rel in changes[1::2]).encode("utf-8", "surrogateescape")
        self.git.run(
            "commit",
            "-q",
            "--no-verify",
            "-m",
            self._commit_message(committed),
            "--pathspec-from-file=-",
            "--pathspec-file-nul",
            input=paths,
        )
        return committed

    def _commit_message(self, committed: dict[str, list[str]]) -> str:
        counts = ", ".join(f"{len(ids)} {kind}" for kind, ids in committed.items())
        lines = [f"til sync on {self.host}: {counts or 'settings'}", ""]
        for kind, ids in committed.items():
            lines += [f"{kind}: {note_id}" for note_id in ids[:_LISTED_IDS]]
            if len(ids) > _LISTED_IDS:
                lines.append(f"{kind}: ... and {len(ids) - _LISTED_IDS} more")
        return "\n".join(lines).rstrip() + "\n"

    def _is_note(self, rel: str) -> bool:
        if self.notes_rel != "." and not rel.startswith(self.notes_rel.rstrip("/") + "/"):
            return False
        return rel != self.config_rel and rel.endswith((".md", ".markdown"))

    def _note_id(self, rel: str, *, deleted: bool = False, data: bytes | None = None) -> str:
        """The note's frontmatter ``id``, else its file name's stem."""
        if data is None:
            data = self.git.blob(f"HEAD:{rel}") if deleted else _read(self.root / rel)
        stem = PurePosixPath(rel).stem
        if not data:
            return stem
        from tilbase.notefile import load_yaml_mapping, split_frontmatter

        split = split_frontmatter(data.decode("utf-8", "replace"))
        if split.frontmatter is None:
            return stem
        try:
            value = load_yaml_mapping(split.frontmatter).get("id")
        except ValueError:
            return stem
        return str(value) if isinstance(value, str | int) and str(value).strip() else stem

    # -- merging --------------------------------------------------------------

    def merge_lines(self, base: str, ours: str, theirs: str) -> str | None:
        """``git merge-file``: the merged text, or ``None`` when the same lines changed."""
        with tempfile.TemporaryDirectory(prefix="til-sync-") as folder:
            paths = []
            for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
                path = Path(folder) / name
                path.write_bytes(text.encode("utf-8", "surrogateescape"))
                paths.append(str(path))
            result = self.git.run("merge-file", "-p", "-q", *paths, check=False)
        if result.returncode != 0:
            return None
        return result.stdout.decode("utf-8", "surrogateescape")

    def _merge(
        self, tracking: str, before: str | None, take_their_config: bool, report: GitSyncReport
    ) -> None:
        start = self._head()
        if start is None:
            self.git.run("reset", "-q", "--hard", tracking)  # nothing local at all: adopt
            report.pulled += self._note_paths(None, "HEAD")
            return
        if self.git.ok("merge-base", "--is-ancestor", tracking, "HEAD"):
            return
        message = f"til sync on {self.host}: merge {tracking.split('/', 2)[2]}"
        result = self.git.run(
            "merge",
            "-q",
            "--no-edit",
            "--no-verify",
            "--allow-unrelated-histories",
            "-m",
            message,
            tracking,
            check=False,
        )
        copies: set[str] = set()
        if result.returncode != 0:
            unmerged = self._unmerged()
            if not unmerged:
                self._undo(before)
                raise SyncError(
                    f"git could not merge the remote's notes: {result.last_error_line()}",
                    f"see `git -C {self.root} status`; nothing was changed",
                )
            for rel in unmerged:
                if rel == self.config_rel and not take_their_config:
                    self._undo(before)
                    raise self._config_conflict(tracking)
            for rel, stages in unmerged.items():
                base, ours, theirs = (self._stage_bytes(stages, n) for n in (1, 2, 3))
                copies |= self._resolve(rel, base, ours, theirs, take_their_config, report)
            self.git.run("commit", "-q", "--no-verify", "--no-edit")
        report.pulled += [p for p in self._note_paths(start, "HEAD") if p not in copies]

    def _undo(self, before: str | None) -> None:
        """Abort the merge and put HEAD back where it was before this sync (working tree kept)."""
        self.git.run("merge", "--abort", check=False)
        if before is None:
            self.git.run("update-ref", "-d", "HEAD", check=False)
            self.git.run("rm", "-r", "-q", "--cached", "--ignore-unmatch", ".", check=False)
        else:
            self.git.run("reset", "-q", "--soft", before, check=False)
            self.git.run("reset", "-q", check=False)

    def _unmerged(self) -> dict[str, dict[int, str]]:
        """Each path git left unmerged, with the blob of each stage (1 base, 2 ours, 3 theirs)."""
        stages: dict[str, dict[int, str]] = {}
        for entry in self.git.lines_z("ls-files", "-u", "-z"):
            info, rel = entry.split("\t", 1)
            _mode, blob, stage = info.split()
            stages.setdefault(rel, {})[int(stage)] = blob
        return stages

    def _stage_bytes(self, stages: dict[int, str], number: int) -> bytes | None:
        blob = stages.get(number)
        return None if blob is None else self.git.run("cat-file", "blob", blob).stdout

    def _resolve(
        self,
        rel: str,
        base: bytes | None,
        ours: bytes | None,
        theirs: bytes | None,
        take_theirs: bool,
        report: GitSyncReport,
    ) -> set[str]:
        """Settle one path changed on both sides; returns the conflict copies written for it."""
        path = self.root / rel
        if rel == self.config_rel:
            _write(path, theirs if take_theirs and theirs is not None else ours or b"")
        elif ours is None or theirs is None:  # deleted on one side, changed on the other: keep
            _write(path, ours if ours is not None else theirs or b"")
            report.kept.append(self._note_id(rel, data=ours or theirs))
        elif rel == ".gitignore":
            lines = ours.decode("utf-8", "replace").splitlines()
            lines += theirs.decode("utf-8", "replace").splitlines()
            _write(path, "".join(f"{line}\n" for line in dict.fromkeys(lines)).encode("utf-8"))
        elif self._in_notes(rel):
            merged = (
                merge_note(base, ours, theirs, self.merge_lines) if self._is_note(rel) else None
            )
            if merged is not None:
                _write(path, merged)
                report.merged.append(self._note_id(rel, data=merged))
            else:
                copy = self._keep_both(rel, ours, theirs)
                report.conflicts.append(copy)
                self.git.run("add", "--", copy.copy_path)
                self.git.run("add", "--", rel)
                return {copy.copy_path}
        else:
            self.git.run("merge", "--abort", check=False)
            raise SyncError(
                f"{rel} was changed here and on the remote in the same lines; "
                "til sync merges only notes",
                f"merge it with git (in {self.root}: git pull), then run til sync again",
            )
        self.git.run("add", "--", rel)
        return set()

    def _adopt(self, tracking: str, take_their_config: bool, report: GitSyncReport) -> None:
        """A repository without commits joins the remote's history, keeping every local file.

        HEAD and the index take the remote's branch; the working tree keeps this
        machine's files. Files only the remote has are checked out; a file both
        have with different contents is settled like a note added on both sides.
        """
        self.git.run("reset", "-q", tracking)
        missing = self.git.lines_z("ls-files", "-z", "--deleted")
        if missing:
            self.git.run(
                "checkout",
                "-q",
                "--pathspec-from-file=-",
                "--pathspec-file-nul",
                input="".join(f"{rel}\0" for rel in missing).encode("utf-8", "surrogateescape"),
            )
        for rel in self.git.lines_z("ls-files", "-z", "--modified"):
            owned = rel in (self.config_rel, ".gitignore") or self._in_notes(rel)
            ours, theirs = _read(self.root / rel), self.git.blob(f"{tracking}:{rel}")
            if owned and ours is not None and theirs is not None:
                self._resolve(rel, None, ours, theirs, take_their_config, report)
        report.pulled += self._note_paths(None, tracking)

    def _in_notes(self, rel: str) -> bool:
        return self.notes_rel == "." or rel.startswith(self.notes_rel.rstrip("/") + "/")

    def _keep_both(self, rel: str, ours: bytes, theirs: bytes) -> ConflictCopy:
        """The remote's version stays at ``rel``; ours becomes a linked note next to it."""
        note_id = self._note_id(rel, data=theirs)
        copy_id = conflict_id(note_id, self.host, self.today)
        posix = PurePosixPath(rel)
        stem = conflict_id(posix.stem, self.host, self.today)
        copy_rel = str(posix.with_name(f"{stem}{posix.suffix}"))
        number = 2
        while (self.root / copy_rel).exists():
            copy_rel = str(posix.with_name(f"{stem}-{number}{posix.suffix}"))
            number += 1
        if self._is_note(rel):
            try:
                their_text, our_text = theirs.decode("utf-8"), ours.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                notice = conflict_notice(note_id, copy_id, self.host, self.today)
                theirs = with_notice(their_text, notice).encode("utf-8")
                ours = conflict_copy_text(our_text, copy_id, note_id, notice).encode("utf-8")
        _write(self.root / rel, theirs)
        _write(self.root / copy_rel, ours)
        return ConflictCopy(note_id, rel, copy_id, copy_rel)

    def _note_paths(self, start: str | None, end: str) -> list[str]:
        """Notes that differ between two commits (``start`` ``None``: every note in ``end``)."""
        spec = self.notes_rel
        if start is None:
            rels = self.git.lines_z("ls-tree", "-r", "-z", "--name-only", end, "--", spec)
        else:
            rels = self.git.lines_z(
                "diff", "--no-renames", "--name-only", "-z", start, end, "--", spec
            )
        return [rel for rel in rels if self._is_note(rel)]

    def _push(self, url: str, branch: str, tracking: str, report: GitSyncReport) -> bool:
        """Push HEAD; False when the remote moved on meanwhile (fetch and merge again)."""
        head = self._head()
        if head is None:
            return True
        remote_head = self._head_of(tracking)
        if remote_head == head:
            return True
        pushed = self._note_paths(remote_head, "HEAD")
        result = self.git.run("push", "-q", url, f"HEAD:refs/heads/{branch}", check=False)
        if result.returncode != 0:
            if self._rejected(result.stderr):
                return False
            raise SyncError(
                f"cannot push to {url} ({result.last_error_line() or 'no answer'}); "
                "your notes are committed here and will be pushed by the next sync",
                "check the remote and your access to it",
            )
        self.git.run("update-ref", tracking, head)
        report.pushed = pushed
        return True

    def _head_of(self, ref: str) -> str | None:
        result = self.git.run("rev-parse", "-q", "--verify", ref, check=False)
        return result.text.strip() if result.returncode == 0 else None

    @staticmethod
    def _rejected(stderr: bytes) -> bool:
        text = stderr.decode("utf-8", "replace")
        return any(w in text for w in ("[rejected]", "non-fast-forward", "fetch first"))


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.til-sync")
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
