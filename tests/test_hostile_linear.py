"""Every function that reads contributed text runs in time linear in its length: no input a record can hold stalls a
check, a build or a preview.

A regular expression that backtracks over a run of one character turns 8,000 characters into minutes (a note of 2,000
backticks took 17 s in `notes_html`, 4,000 took 178 s; 8,000 brackets 7 s inside Python-Markdown), and such a note passed
`paperkb check`. So each function meets runs of 8,000 of each character that Markdown, TeX, BibTeX names or our own
patterns treat specially, and mixed runs of them, and must finish each in well under a second. The bound is generous
(these take milliseconds); it only catches blow-ups. A property test adds arbitrary mixtures of the same characters.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable

import nh3
import pytest
from citation_helpers import toy_kb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from timing import stopped_after

from paperkb import (
    bibimport,
    checks,
    citation,
    hints,
    identifiers,
    names,
    neardup,
    safetext,
    scaffold,
    searchterms,
    urls,
    vocabulary,
    yamlload,
)
from paperkb.bibtex import bibtex_name, latex_escape
from paperkb.render import SiteRenderer

SIZE = 8000  # the longest note or topic intro a record may hold
BOUND = 1.0  # seconds


SPECIALS = "`[*_$<\\"
RUNS = {f"{ch!r} x {SIZE}": ch * SIZE for ch in SPECIALS}
RUNS |= {f"{ch!r} x {SIZE}": ch * SIZE for ch in "]({}#&%^~>|!-+.:,;'\"@=/ \n\t0"}
MIXED = [
    "`[*_$<\\",
    "[](",
    "`a",
    "``a`",
    "$a",
    "$ ",
    "\\`",
    "\\$",
    "**a",
    "_a ",
    "<a",
    "&#",
    "- ",
    "1. ",
    "+ ",
    "- > ",
    "{[(",
    "arxiv ",
    "and ",
    ", ",
    "Jr. ",
    "{\\",
    "^^5c",
    "中文",
    "a\n",
    "- x\n    ",
]
RUNS |= {f"{unit!r} repeated": (unit * (SIZE // len(unit) + 1))[:SIZE] for unit in MIXED}


def _parse_error(text: str) -> None:
    """A broken record around the text: the explanations of tabs, quotes and colons look at its lines."""
    for shape in (f"title: {text}: x\n", f'title: "{text}\nyear: 1\n', f"a:\n\t{text}\n", f"notes:\n  a: {text}\n   b: c\n"):
        with contextlib.suppress(yamlload.Fatal):
            yamlload.parse(shape)


def _page_with_note(note: str) -> str:
    kb = toy_kb()
    lora = kb.paper_by_id["lora"]
    paper = lora.model_copy(update={"notes": lora.notes.model_copy(update={"method": note}), "tldr": note[:300]})
    return SiteRenderer(kb).paper(paper)


FUNCTIONS: dict[str, Callable[[str], object]] = {
    "safetext.notes_html": safetext.notes_html,
    "safetext.tldr_html": safetext.tldr_html,
    "safetext.inline": safetext.inline,
    "safetext.html_text": safetext.html_text,
    "searchterms.cjk_bigrams": lambda text: searchterms.cjk_bigrams([text]),
    "bibtex.latex_escape(title)": lambda text: latex_escape(text, title=True),
    "bibtex.latex_escape(name)": lambda text: latex_escape(text, name=True),
    "bibtex.bibtex_name": lambda text: bibtex_name(text) if citation.one_line(text) else None,
    "names.split_name": names.split_name,
    "names.ascii_fold": names.ascii_fold,
    "citation.one_line": citation.one_line,
    "citation.title_words": citation.title_words,
    "checks.text_problems": checks.text_problems,
    "identifiers.arxiv_problem": identifiers.arxiv_problem,
    "identifiers.https_url_problem": identifiers.https_url_problem,
    "identifiers.record_slug": identifiers.record_slug,
    "identifiers.title_short_name": identifiers.title_short_name,
    "identifiers.split_venue": identifiers.split_venue,
    "urls.slug": urls.slug,
    "bibimport.latex_to_text": bibimport.latex_to_text,
    "bibimport.normalised_title": bibimport.normalised_title,
    "bibimport.bibtex_authors": bibimport.bibtex_authors,
    "a paper page (render)": _page_with_note,
    # issue 16: the new readers of contributed text
    "neardup.Item (title words)": lambda text: neardup.Item("papers/x.yaml", text, neardup.surnames([text, text[:300]]), 2024),
    "neardup.reason": lambda text: neardup.reason(neardup.Item("a", text, (), 2024), neardup.Item("b", text[::-1] + ": " + text, (), 2024)),
    "scaffold.todo_comments": lambda text: scaffold.todo_comments(f"title: {json.dumps(text)}  # TODO x\n# TODO {text!r}\n"),
    "vocabulary.loose_venue": vocabulary.loose_venue,
    "hints.closest": lambda text: hints.closest(text, ["peft", "quantization", text[:50]]),
    "yamlload.parse (error explained)": _parse_error,
}


@pytest.mark.parametrize("text", list(RUNS.values()), ids=list(RUNS))
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_contributed_text_functions_are_linear(name: str, text: str) -> None:
    started = time.perf_counter()
    with stopped_after(5 * BOUND):
        FUNCTIONS[name](text)
    elapsed = time.perf_counter() - started
    assert elapsed < BOUND, f"{name} took {elapsed:.1f} s on {len(text):,} characters"


def test_deep_list_nesting_renders_instead_of_recursing() -> None:
    """`"- " * 500 + "x"` made Python-Markdown recurse once per marker: RecursionError in the middle of a build."""
    for note in ["- " * 500 + "x", "1. " * 500 + "x", "+ " * 4000, "* - + 1. " * 800, "\n".join(" " * (4 * k) + "- x" for k in range(60))]:
        html = str(safetext.notes_html(note))
        assert html.count("<ul>") + html.count("<ol>") <= 4, html[:300]


def test_lists_nest_up_to_four_levels_and_deeper_markers_show_as_text() -> None:
    html = str(safetext.notes_html("- a\n    - b\n        - c\n            - d\n                - e"))
    assert html.count("<ul>") == 4 and "e" in html
    assert str(safetext.notes_html("- - x")) == "<ul>\n<li>- x</li>\n</ul>"
    assert str(safetext.notes_html("1. 2. x")) == "<ol>\n<li>2. x</li>\n</ol>"


# Characters Markdown and TeX treat specially, a few letters and digits, and the line structure of a note.
ALPHABET = "`[]()*_$<>\\&#{}!-+.|~^%:=\"' \n\tax1中"
# Long runs of one piece as well as arbitrary mixtures: the shapes that make backtracking patterns blow up.
PIECES = st.text(st.sampled_from(ALPHABET), min_size=1, max_size=6)
NOTES = st.lists(st.tuples(PIECES, st.integers(1, 2000)), min_size=1, max_size=12).map(
    lambda parts: "".join(p * n for p, n in parts)[:SIZE]
)


@settings(
    derandomize=True,
    database=None,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(note=NOTES)
def test_any_note_of_specials_renders_quickly_to_html_nh3_leaves_alone(note: str) -> None:
    started = time.perf_counter()
    with stopped_after(5 * BOUND):
        html = str(safetext.notes_html(note))
    elapsed = time.perf_counter() - started
    assert elapsed < BOUND, f"{elapsed:.1f} s for {len(note):,} characters"
    again = nh3.clean(
        html, tags=safetext.CLEAN_TAGS, attributes=safetext.CLEAN_ATTRIBUTES, url_schemes=set(), link_rel=None, strip_comments=True
    )
    assert again == html
