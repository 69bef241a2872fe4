"""One record per paper: the same arXiv id twice (an error) and likely duplicates by title and authors (a warning).

A duplicate is one mistake in one file, so exactly one file is blamed, and the message says what to do: delete this
file and make the changes in the other. The blamed file is the one the contributor is working on when that is known
(`focus`: the files passed to `paperkb check`, or those a branch changed); otherwise the newer record, the one with the
later `added`, then the later path. Blaming both, as before, told the contributor to "merge" into a file they had not
touched, and put an error on a record that was right. Pure: files in, problems out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from typing import Any

from paperkb import identifiers, neardup
from paperkb.problems import Problem
from paperkb.records import RecordFile, field_name


def _raw(file: RecordFile, key: str) -> Any:
    data = file.doc.data if file.doc else None
    return data.get(key) if isinstance(data, dict) else None


def _problem(file: RecordFile, key: str, message: str, severity: str = "error") -> Problem:
    loc = file.loc(key)
    return Problem(file.path, loc.line, loc.col, field_name((key,)), message, severity)  # type: ignore[arg-type]


def blame_order(file: RecordFile, focus: Collection[str]) -> tuple[bool, str, str]:
    """Sort key: which of clashing records keeps the paper first (outside the focus, older `added`, earlier path)."""
    added = _raw(file, "added")
    return (file.path in focus, added if isinstance(added, str) else "9999", file.path)


def same_arxiv(papers: list[RecordFile], focus: Collection[str]) -> list[Problem]:
    """The same arXiv id in two or more records, whatever form it was pasted in: every record but the keeper is blamed."""
    by_arxiv: dict[str, list[RecordFile]] = defaultdict(list)
    for file in papers:
        raw = _raw(file, "arxiv")
        if isinstance(raw, str) and raw.strip():
            by_arxiv[identifiers.normalise_arxiv(raw)].append(file)
    out = []
    for arxiv, clash in by_arxiv.items():
        if len(clash) > 1:
            keeper, *rest = sorted(clash, key=lambda f: blame_order(f, focus))
            for file in rest:
                message = f"arXiv id {arxiv} is already recorded in {keeper.path}: delete this file and make your changes in {keeper.path}"
                out.append(_problem(file, "arxiv", message))
    return out


def item(where: str, title: Any, authors: Any, year: Any) -> neardup.Item | None:
    """What near-duplicate matching compares of raw values (a record that failed its model still counts)."""
    if not isinstance(title, str) or not title.strip():
        return None
    names = neardup.surnames(a for a in authors if isinstance(a, str)) if isinstance(authors, list) else ()
    return neardup.Item(where, title, names, year if isinstance(year, int) and not isinstance(year, bool) else None)


def item_of(file: RecordFile) -> neardup.Item | None:
    """`item` of one record file: a pure function of the file, kept in the parse cache beside it."""
    return item(file.path, _raw(file, "title"), _raw(file, "authors"), _raw(file, "year"))


def likely_duplicates(
    papers: list[RecordFile], focus: Collection[str], near: Mapping[str, neardup.Item | None] | None = None
) -> list[Problem]:
    """A warning on the newer of two records that look like the same paper (neardup), naming the other file.

    One warning per file at most, so a group of 3,000 copies costs 2,999 bounded warnings. `near`: each file's
    `item_of` by path, where the caller has it already (the parse cache); computed here for the others.
    """
    files, items = [], []
    for file in sorted(papers, key=lambda f: blame_order(f, focus)):  # the record to keep first: pairs blame the later
        found = near[file.path] if near is not None and file.path in near else item_of(file)
        if found is not None:
            files.append(file)
            items.append(found)
    out = []
    for i, j, why in neardup.pairs(items):
        keeper, blamed = files[i], files[j]
        message = f"likely the same paper as {keeper.path} ({why}); if it is, delete this file and make your changes in {keeper.path}"
        out.append(_problem(blamed, "title", message, "warning"))
    return out
