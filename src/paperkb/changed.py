"""`paperkb check --changed [BASE]`: what the pull-request gate will say about a branch, locally, in seconds.

The gate checks the whole knowledge base and fails a pull request that touches anything outside papers/ and topics/
(.github/workflows/pr.yml). A contributor wants the same verdict for their own change before pushing, without the noise
of files they did not touch. So this runs the full check (cross-record rules see every record) and reports

- every problem of the record files the branch changed, added or has uncommitted or untracked;
- problems in other files only when the branch caused them (a deleted record that another one names as `related`):
  those not present when the same check runs on BASE;
- which changed files the data-only gate will send to a maintainer for review.

BASE defaults to `origin/main`, else `main`; the branch is compared with its merge base, as GitHub compares a pull
request. This module runs git and reads files; the decisions are `checks` and `repository`'s.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from paperkb.problems import Problem
from paperkb.repository import discover, load_files

# The data-only gate's rule, as in .github/workflows/pr.yml: only record files pass it.
DATA_ONLY = re.compile(r"(papers|topics)/[a-z0-9][a-z0-9-]*\.yaml")
DEFAULT_BASES = ("origin/main", "main")


class NotAvailable(Exception):
    """git is missing, the folder is not a git checkout, or BASE names no commit; the message says what to do."""


@dataclass
class Result:
    problems: list[Problem]
    checked: int  # record files reported on in full
    total: int  # record files the cross-record rules saw
    notes: list[str] = field(default_factory=list)


def _git(root: Path, *args: str, binary: bool = False) -> str | bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False, timeout=120)
    except FileNotFoundError:
        raise NotAvailable("`--changed` needs git, which is not installed; pass the files to check instead") from None
    if done.returncode != 0:
        raise NotAvailable(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout if binary else done.stdout.decode("utf-8", "surrogateescape")


def merge_base(root: Path, base: str) -> tuple[str, str]:
    """(name, commit) of where the branch left BASE; BASE '' tries origin/main, then main."""
    try:
        _git(root, "rev-parse", "--is-inside-work-tree")
    except NotAvailable:
        raise NotAvailable(f"{root} is not a git checkout; `--changed` compares your branch with the one it started from") from None
    for name in [base] if base else DEFAULT_BASES:
        try:
            commit = str(_git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}")).strip()
        except NotAvailable:
            continue
        return name, str(_git(root, "merge-base", commit, "HEAD")).strip()
    tried = base or " or ".join(DEFAULT_BASES)
    raise NotAvailable(f"no branch or commit {tried}; name the branch you started from, e.g. `paperkb check --changed upstream/main`")


def changed_files(root: Path, commit: str) -> list[str]:
    """Paths (relative to root) that differ between `commit` and the working tree, untracked files included."""
    diff = str(_git(root, "diff", "--name-only", "--no-renames", "--relative", "-z", commit, "--"))
    untracked = str(_git(root, "ls-files", "--others", "--exclude-standard", "-z"))
    return sorted({p for p in (diff + untracked).split("\0") if p})


def _problems_at(root: Path, commit: str) -> set[tuple[str, str, str, str]]:
    """The problems the same check finds at `commit`, without line numbers (lines move; messages do not)."""
    archive = _git(
        root, "archive", "--format=tar", commit, "--", *(d for d in ("papers", "topics", "registry") if (root / d).exists()), binary=True
    )
    with tempfile.TemporaryDirectory(prefix="paperkb-base-") as tmp:
        base = Path(tmp)
        with tarfile.open(fileobj=io.BytesIO(archive if isinstance(archive, bytes) else b"")) as tar:
            tar.extractall(base, filter="data")
        for folder in ("papers", "topics"):
            (base / folder).mkdir(exist_ok=True)
        _, problems = load_files(base, cache_of=root)  # the base differs from the branch in a few files only
    return {(p.path, p.field, p.message, p.severity) for p in problems}


def check_changed(root: Path, base: str) -> Result:
    """The problems a pull request of this branch (with what is not committed yet) would get; see the module docstring."""
    name, commit = merge_base(root, base)
    changed = changed_files(root, commit)
    records = {rel for rel, _ in discover(root)}
    mine = {p for p in changed if p in records or p.startswith(("papers/", "topics/", "registry/"))}
    _, problems = load_files(root, mine)
    reported = [p for p in problems if p.path in mine]
    elsewhere = [p for p in problems if p.path not in mine]
    notes = [f"paperkb: checking {len(mine & records):,} changed record file(s) against {name} (merge base {commit[:12]})"]
    if elsewhere:
        before = _problems_at(root, commit)
        caused = [p for p in elsewhere if (p.path, p.field, p.message, p.severity) not in before]
        reported += caused
        if len(caused) < len(elsewhere):
            notes.append(f"paperkb: {len(elsewhere) - len(caused):,} problem(s) in files this branch does not touch were there before it")
    outside = [p for p in changed if not DATA_ONLY.fullmatch(p)]
    if outside:
        shown = ", ".join(outside[:10]) + (f" and {len(outside) - 10:,} more" if len(outside) > 10 else "")
        notes.append(
            f"paperkb: the data-only gate will ask for a maintainer's review: this branch changes {shown} "
            "(records alone are papers/<id>.yaml and topics/<id>.yaml)"
        )
    return Result(sorted(set(reported)), len(mine & records), len(records), notes)
