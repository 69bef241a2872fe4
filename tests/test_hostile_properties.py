"""Property tests: any text a contributor can get past the checks renders as that text, and nothing else.

For speed, the page is made by the rendering layer itself rather than a full mkdocs build per example: render.SiteRenderer
(safetext + the Jinja templates) writes the page's Markdown, MkDocs' own front-matter reader splits off the metadata, and
Python-Markdown with the extensions mkdocs.yml lists turns the rest into HTML. The corpus test (test_hostile_corpus.py)
covers the same ground with the real build. Settings are deterministic (derandomize, no example database) so CI runs are
reproducible, and bounded so they stay quick.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from functools import cache
from typing import Any

import markdown
import pytest
from bibtexparser.entrypoint import parse_string
from citation_helpers import balanced
from conftest import ROOT, TOY
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data
from mkdocs.utils.yaml import yaml_load
from pydantic import ValidationError
from sitetools import Page

from paperkb import safetext
from paperkb.bibimport import bibtex_authors, latex_to_text
from paperkb.bibtex import export_bibtex
from paperkb.checks import text_problems
from paperkb.citation import one_line
from paperkb.kb import KnowledgeBase
from paperkb.models import Paper
from paperkb.render import SiteRenderer
from paperkb.repository import load_kb

PROPERTY = settings(
    derandomize=True,
    database=None,
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Fragments the stack below us treats specially, mixed into arbitrary text so that examples reach them often.
HOSTILE_BITS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</div>",
    "</p>",
    '<div markdown="1">',
    "<!--",
    "-->",
    "{: onclick=alert(1) }",
    "{#id .cls}",
    "{{ config }}",
    "{% include 'x' %}",
    '--8<-- ".env"',
    "[x](javascript:alert(1))",
    "![i](data:,x)",
    "<https://evil.example/>",
    "&lt;",
    "&#x3C;",
    "&amp;",
    "&",
    '"',
    "'",
    "|",
    "`",
    "$",
    "*",
    "_",
    "\\",
    "#",
    "[TOC]",
    "\ue000",
    "\ue0000\ue001",
    "\u2028",
    "\u00a0",
    "\u3000",
    "}",
    "{",
    "%",
    "@misc{x,",
    " and ",
]
BLOCK_BITS = ["\n", "\n# ", "\n---\n", "\n```\n", "\n    ", "\n- ", "\n1. ", "\n> ", "\n===\n", "\n| a | b |\n|---|---|\n"]
CHARS = st.characters(exclude_categories=("Cc", "Cf", "Cs"))  # roughly what `paperkb check` lets through; see passes_checks


def texts(multiline: bool) -> st.SearchStrategy[str]:
    bits = HOSTILE_BITS + (BLOCK_BITS if multiline else [])
    piece = st.one_of(st.text(CHARS, max_size=10), st.sampled_from(bits))
    return st.lists(piece, min_size=1, max_size=10).map("".join)


ONE_LINE_FIELDS = ["title", "short_name", "title_zh", "tldr"]
NOTE_FIELDS = ["motivation", "method", "results"]
NOTE_MARKUP = {(tag, (), "") for tag in safetext.ALLOWED_TAGS} | {("span", ("class",), "pkb-math")}


@cache
def toy() -> KnowledgeBase:
    kb, problems = load_kb(TOY)
    assert kb is not None, problems
    return kb


@cache
def shared_env() -> Any:
    """One Jinja environment for every example: templates compile once (the environment does not depend on the records)."""
    return SiteRenderer(toy()).env


@cache
def extensions() -> tuple[list[str], dict[str, Any]]:
    """The Markdown extensions and their settings, as mkdocs.yml lists them."""
    with (ROOT / "mkdocs.yml").open(encoding="utf-8") as f:
        config = yaml_load(f)
    names: list[str] = []
    configs: dict[str, Any] = {}
    for item in config.get("markdown_extensions") or []:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        names.append(name)
        if options:
            configs[name] = options
    return names, configs


def with_text(field: str, text: str, base: str = "lora") -> Paper:
    """The toy paper with one field replaced, validated as a record would be; examples the model refuses are skipped."""
    data = toy().paper_by_id[base].model_dump()
    data["id"] = "prop"
    if field in NOTE_FIELDS:
        data["notes"] = {**data["notes"], field: text}
    elif field == "authors":
        data["authors"] = [*(data["authors"] or [])[:1], text, "Alan Turing"]
    else:
        data[field] = text
    try:
        return Paper.model_validate(data)
    except ValidationError:
        assume(False)
        raise


def passes_checks(text: str) -> bool:
    return not text_problems(text)


def render(paper: Paper) -> tuple[dict[str, Any], Page]:
    base = toy()
    kb = KnowledgeBase((*base.papers, paper), base.topics, base.tags, base.institutions, base.venues)
    renderer = SiteRenderer(kb)
    renderer.__dict__["env"] = shared_env()  # a cached_property: set once, compiled templates reused
    meta_and_body = renderer.paper(paper)
    body, meta = get_data(meta_and_body)
    names, configs = extensions()
    page = Page()
    page.feed(markdown.markdown(body, extensions=names, extension_configs=configs, output_format="html"))
    page.close()
    return meta, page


def structure(page: Page) -> Counter[tuple[str, tuple[str, ...], str]]:
    """(tag, attribute names, class) of every element, apart from the light-Markdown tags notes may use."""
    sigs = ((tag, tuple(sorted(attrs)), attrs.get("class") or "") for tag, attrs in page.tags)
    return Counter(sig for sig in sigs if sig not in NOTE_MARKUP)


@cache
def twin(field: str) -> tuple[dict[str, Any], Page]:
    return render(with_text(field, "Plain words"))


def links(page: Page) -> list[str]:
    """Every href and src except links to the page's own headings (their ids come from the heading's text)."""
    return [v or "" for _, attrs in page.tags for k, v in attrs.items() if k in {"href", "src"} and not (v or "").startswith("#")]


def collapse(text: str) -> str:
    return " ".join(text.split())


def assert_inert(field: str, paper: Paper) -> tuple[dict[str, Any], Page]:
    meta, page = render(paper)
    twin_meta, twin_page = twin(field)
    assert structure(page) == structure(twin_page)
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    assert links(page) == links(twin_page)  # the same links, in the same order: none taken from text
    assert set(meta) == set(twin_meta)
    for key in ("title", "description"):  # Material prints these two unescaped: they must hold no markup
        assert not set(meta[key]) & set("<>\"'"), meta[key]
    return meta, page


@PROPERTY
@given(field=st.sampled_from(ONE_LINE_FIELDS), text=texts(multiline=False))
def test_any_one_line_field_is_shown_and_adds_no_markup(field: str, text: str) -> None:
    assume(passes_checks(text))
    paper = with_text(field, text)
    meta, page = assert_inert(field, paper)
    value = getattr(paper, field)
    if field != "tldr" or not set(value) & set("\\`*_$["):  # the tl;dr has the notes' inline formatting
        assert collapse(value) in collapse(page.all_text)
    if field == "title":
        assert collapse(value) in collapse(html.unescape(meta["title"]))


def plain_note(text: str) -> bool:
    """Notes without light-Markdown syntax: no emphasis, code, math, escape or link characters, no list or rule lines."""
    if set(text) & set("\\`*_$["):
        return False
    return not any(re.match(r"\s*(?:[-+]|\d{1,9}[.)])(?:\s|$)", line) or re.fullmatch(r"\s*-[-\s]*", line) for line in text.split("\n"))


@PROPERTY
@given(field=st.sampled_from(NOTE_FIELDS), text=texts(multiline=True))
def test_any_note_adds_no_markup_beyond_light_markdown(field: str, text: str) -> None:
    assume(passes_checks(text))
    assert_inert(field, with_text(field, text))


@PROPERTY
@given(field=st.sampled_from(NOTE_FIELDS), text=texts(multiline=True).filter(plain_note))
def test_any_note_without_markdown_syntax_is_shown_as_typed(field: str, text: str) -> None:
    assume(passes_checks(text))
    paper = with_text(field, text)
    _, page = assert_inert(field, paper)
    note = getattr(paper.notes, field)
    for line in note.split("\n"):
        assert collapse(line) in collapse(page.all_text)


# ---- BibTeX --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "base", "bib_field"),
    [("title", "lora", "title"), ("short_name", "gpt-2", "key"), ("authors", "qlora", "author")],
)
@PROPERTY
@given(text=texts(multiline=False))
def test_bibtex_export_is_balanced_and_reparses_to_the_same_value(field: str, base: str, bib_field: str, text: str) -> None:
    assume(passes_checks(text))
    paper = with_text(field, text, base)
    bib = export_bibtex(toy(), [paper])
    assert balanced(bib)
    library = parse_string(bib)
    assert not library.failed_blocks and not library.comments and len(library.entries) == 1
    entry = library.entries[0]
    assert all(balanced(f.value) for f in entry.fields)
    value = entry[bib_field]
    if field == "authors":
        names, incomplete = bibtex_authors(value)
        assert len(names) == len(paper.authors or []) and not incomplete, value
    else:
        assert latex_to_text(value) == one_line(getattr(paper, field))
