"""Drafts that are not finished yet: TODO lines left from `paperkb new` or `paperkb import-bib`, and placeholder ids.

Offline, `paperkb new` writes a scaffold whose facts are TODO comments (`# authors:` commented out, `title: ""`), and an
id made from the arXiv number (`arxiv-2305-18290`). Empty strings already fail the models, but a commented-out author
list or date is simply absent, which a record may be, and the placeholder id is a valid id: without these rules such a
record passed `paperkb check`, and its placeholder became the paper's permanent address. Each problem names the line to
change and what to write there. Pure: a file's text and parsed document in, problems out.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

import yaml

from paperkb import identifiers, yamlload
from paperkb.problems import Problem

_TODO = re.compile(r"#\s*TODO\b")  # a marker: `# TODO …`; "fill in the TODO lines" in a header is not one
_KEY = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*:")
_COMMENTED_KEY = re.compile(r"^#\s*([A-Za-z_][A-Za-z0-9_]*)\s*:")
_PLACEHOLDER = re.compile(r"arxiv-(?:[0-9]{4}-[0-9]{4,5}|[a-z]+(?:-[a-z]+)*-[0-9]{7})")

# What to write for each field a scaffold leaves open; `{abs}` is the paper's arXiv abstract page.
_WHAT = {
    "title": "write the paper's title exactly as on {abs}",
    "short_name": "write the name people use for the paper or its method (e.g. 'DPO')",
    "authors": "write the complete author list from {abs} under `authors:` (one `- name` a line) and remove the `#` in front",
    "published": 'write the first version\'s date from the Submission history on {abs} as `published: "YYYY-MM-DD"` '
    "and remove the `#` in front",
    "year": "write the year of the first version",
    "arxiv": "write the arXiv id, e.g. '2106.09685' (or `url:`/`doi:` for a paper not on arXiv)",
    "topics": "list at least one topic id (the file names in topics/)",
    "tldr": "write one line in Chinese: what the paper does and why it matters",
    "notes.motivation": "write 动机 in Chinese: the problem the paper attacks and why earlier work falls short",
    "notes.method": "write 方法 in Chinese: the idea and how it works",
    "notes.results": "write 结果 in Chinese: each headline claim as benchmark, baseline and number",
    "notes.limitations": "write 局限 in Chinese, or delete the line (it is optional)",
}


def _comment_start(line: str, line_no: int, spans: list[tuple[tuple[int, int], tuple[int, int]]], starts: list[tuple[int, int]]) -> int:
    """The column where this line's comment starts (a `#` at the start or after a space, outside every scalar), or -1."""
    for col, ch in enumerate(line):
        if ch != "#" or (col and line[col - 1] not in " \t"):
            continue
        i = bisect.bisect_right(starts, (line_no, col)) - 1
        if i >= 0 and spans[i][0] <= (line_no, col) < spans[i][1]:
            continue  # inside a quoted or block scalar: text, not a comment
        return col
    return -1


def todo_comments(text: str) -> list[tuple[int, int, str]]:
    """(line, column, comment) of every comment that holds `TODO`, 1-based; text inside values never counts."""
    if "TODO" not in text:  # almost every record: no scan at all
        return []
    spans = []
    for token in yaml.scan(text, Loader=yamlload._Parser):
        if isinstance(token, yaml.ScalarToken):
            spans.append(((token.start_mark.line, token.start_mark.column), (token.end_mark.line, token.end_mark.column)))
    spans.sort()
    starts = [span[0] for span in spans]
    out = []
    for line_no, line in enumerate(text.split("\n")):
        if "TODO" not in line:
            continue
        col = _comment_start(line, line_no, spans, starts)
        if col >= 0 and _TODO.search(line, col):
            out.append((line_no + 1, col + 1, line[col:]))
    return out


def _keys_by_line(doc: yamlload.Document) -> dict[int, str]:
    """The dotted name of the key written on each line (`notes.results`), computed once per file."""
    from paperkb.records import field_name  # records imports this module

    out: dict[int, str] = {}
    for path, loc in doc.key_locs.items():
        out.setdefault(loc.line, field_name(path))
    return out


def _arxiv_page(data: Any) -> str:
    raw = data.get("arxiv") if isinstance(data, dict) else None
    if isinstance(raw, str) and identifiers.arxiv_problem(raw) is None:
        return identifiers.arxiv_links(raw)["abs"]
    return "the paper's arXiv abstract page"


def problems(path: str, text: str, doc: yamlload.Document) -> list[Problem]:
    """Every sign that the file is an unfinished draft, each located at the line to change."""
    out: list[Problem] = []
    data = doc.data if isinstance(doc.data, dict) else {}
    abs_page = _arxiv_page(data)
    lines = text.split("\n")
    covered: set[str] = set()
    todos = todo_comments(text)
    keys = _keys_by_line(doc) if todos else {}
    for line, col, _ in todos:
        before = lines[line - 1][: col - 1]
        key_match = _KEY.match(before)
        field = keys.get(line) if key_match else None
        where = "the `# TODO …` comment"
        if field is None:  # a comment line: `# published: … # TODO`, or `# TODO …` above `# authors:`
            named = _COMMENTED_KEY.match(lines[line - 1].strip())
            if named is None and line < len(lines):
                named, where = _COMMENTED_KEY.match(lines[line].strip()), "this TODO line"
            field = named[1] if named else ""
        leaf = field.rsplit(".", 1)[-1]
        what = _WHAT.get(field, f"fill in `{leaf}`" if leaf else "finish what it asks for").format(abs=abs_page)
        covered.add(field)
        out.append(Problem(path, line, col, field, f"unfinished draft: {what}, then delete {where}"))
    if out and isinstance(data.get("arxiv"), str) and data["arxiv"].strip():
        arxiv_loc = doc.loc(("arxiv",))
        for key in ("authors", "published"):
            if key not in data and key not in covered and not (key == "authors" and "team" in data):
                what = _WHAT[key].format(abs=abs_page).replace(" and remove the `#` in front", "")
                out.append(Problem(path, arxiv_loc.line, arxiv_loc.col, key, f"missing from this arXiv draft: {what}"))
    return out


def placeholder(path: str, doc: yamlload.Document, taken: set[str]) -> Problem | None:
    """The offline placeholder id (`arxiv-2305-18290`), with an id to use instead that no other record has."""
    data = doc.data if isinstance(doc.data, dict) else {}
    rid = data.get("id")
    if not isinstance(rid, str) or not _PLACEHOLDER.fullmatch(rid):
        return None
    name = next((v for v in (data.get("short_name"), data.get("title")) if isinstance(v, str) and v.strip()), "")
    better = identifiers.record_slug(identifiers.title_short_name(name) or name, max_words=3) if name else ""
    better = identifiers.unique_id(better, taken - {rid}) if better else ""
    suggestion = (
        f"change this line to `id: {better}` and rename the file to papers/{better}.yaml"
        if better and better != rid
        else "choose the paper's short name in lower case (e.g. `id: self-rag`) and rename the file to match"
    )
    loc = doc.loc(("id",))
    message = f"id '{rid}' is the placeholder `paperkb new` writes offline, and an id becomes the paper's permanent address: {suggestion}"
    return Problem(path, loc.line, loc.col, "id", message)
