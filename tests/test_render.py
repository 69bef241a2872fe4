"""Rendering without the build: golden Markdown for the toy knowledge base, and the escaping rules one by one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, TOY, golden

from paperkb import render, safetext, urls
from paperkb.repository import load_kb

GOLDEN = Path(__file__).parent / "golden" / "site"
# Every file `render_site` writes for the toy knowledge base, each a reviewed golden file: a change to any page, export,
# feed or search shard shows as a diff (issue 17: render's mutants die here, not only in the slow site builds).
PAGES = sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file())


def _render_toy() -> dict[str, str]:
    kb, problems = load_kb(TOY)
    assert kb is not None, problems
    return render.render_site(kb, render.Settings(templates=ROOT / "templates"))


@pytest.fixture
def site() -> dict[str, str]:
    """Rendered anew for each test (0.1 s). Not shared per module: mutation testing credits a shared fixture's calls to
    the first test that set it up, and ran only that test against a mutant of the other pages."""
    return _render_toy()


def test_golden_site(update_golden: bool) -> None:
    """The whole rendered site in one test, rendered inside it, so a change to any file fails this very test."""
    site = _render_toy()
    if update_golden:
        for page in sorted(set(PAGES) - set(site)):
            (GOLDEN / page).unlink()
        for page, text in site.items():
            golden(GOLDEN / page, text, update_golden)
        return
    assert sorted(site) == PAGES, "the files rendered differ from tests/golden/site/; run pytest --update-golden and review"
    differ = [page for page in PAGES if site[page] != (GOLDEN / page).read_text(encoding="utf-8")]
    for page in differ[:1]:  # the first one with its diff, then the list
        assert site[page] == (GOLDEN / page).read_text(encoding="utf-8"), f"{page} differs; others: {differ[1:]}"


def test_rendering_is_deterministic(site: dict[str, str]) -> None:
    kb, _ = load_kb(TOY)
    assert kb is not None
    assert render.render_site(kb, render.Settings(templates=ROOT / "templates")) == site


def test_paper_pages_stay_out_of_the_navigation() -> None:
    kb, _ = load_kb(TOY)
    assert kb is not None
    flat = repr(render.nav(kb))
    assert "topics/peft/index.md" in flat and "topics/quantization/index.md" in flat
    assert not [p for p in re.findall(r"'(papers/[^']*)'", flat) if p != "papers/index.md"], "only the list of all papers is in the nav"


def test_topic_pages_are_paginated(tmp_path: Path) -> None:
    kb, _ = load_kb(TOY)
    assert kb is not None
    many = tuple(kb.papers[0].model_copy(update={"id": f"p{i:03d}", "arxiv": None}) for i in range(render.CARDS_PER_PAGE * 2 + 1))
    big = type(kb)(many, kb.topics, kb.tags, kb.institutions, kb.venues)
    pages = render.SiteRenderer(big, render.Settings(templates=ROOT / "templates")).topic_pages(kb.topic_by_id["peft"])
    assert sorted(pages) == ["topics/peft/index.md", "topics/peft/page-2.md", "topics/peft/page-3.md"]
    assert pages["topics/peft/page-3.md"].count('class="pkb-card"') == 1


@pytest.mark.parametrize(
    ("src", "to", "expected"),
    [
        ("index.md", "papers/lora.md", "papers/lora/"),
        ("papers/lora.md", "topics/peft/index.md", "../../topics/peft/"),
        ("topics/peft/index.md", "cite/topics/peft.bib", "../../cite/topics/peft.bib"),
        ("papers/lora.md", "papers/lora.md", "./"),
        ("topics/peft/page-2.md", "topics/peft/index.md", "../"),
    ],
)
def test_relative_links(src: str, to: str, expected: str) -> None:
    assert urls.rel(src, to) == expected


def test_inline_escapes_markdown_and_html() -> None:
    out = safetext.inline("A <b>x</b> [l](javascript:1) {: .c } *em* `c` #h\nnext")
    assert "<b>" not in out and "\n" not in out
    for ch in "[]{}*`#()":
        assert f"\\{ch}" in out


def test_notes_allow_light_markdown_only() -> None:
    out = safetext.notes_html("**粗** `code` $x_1$\n- 一\n- 二\n<script>x</script> [a](javascript:alert(1))\n# 标题")
    assert "<strong>粗</strong>" in out and "<code>code</code>" in out
    assert '<span class="pkb-math"><math display="inline"><mrow><msub><mi>x</mi><mn>1</mn></msub></mrow></math></span>' in out
    assert "<ul>" in out and "<li>二</li>" in out
    assert "<script>" not in out and "&lt;script&gt;" in out and "<a" not in out and "<h1" not in out
    assert "# 标题" in out
    assert "\n\n" not in out


def test_navigation_titles_are_escaped_for_the_theme() -> None:
    """Material prints nav titles unescaped, so the generated nav carries HTML-escaped topic names."""
    kb, _ = load_kb(TOY)
    assert kb is not None
    peft = kb.topic_by_id["peft"].model_copy(update={"name": 'A & <b onclick="x">'})
    odd = type(kb)(kb.papers, (peft, kb.topic_by_id["quantization"]), kb.tags, kb.institutions, kb.venues)
    flat = repr(render.nav(odd))
    assert "&amp; &lt;b onclick=&quot;x&quot;&gt;" in flat and "<b" not in flat


def test_limitations_get_their_own_section_only_when_written(site: dict[str, str]) -> None:
    lora, qlora = site["papers/lora.md"], site["papers/qlora.md"]
    assert "## 局限" in lora and "笔者注：秩" in lora.split("## 局限", 1)[1].split("##", 1)[0]
    assert "## 局限" not in qlora


def test_remembered_search_tokens_follow_the_record_and_the_vocabularies(toy: Path) -> None:
    """Live preview remembers each paper's search tokens (render._TERMS); a change to the record or to a vocabulary
    (here a topic's name, which a paper's title tokens include) gives the tokens a fresh computation gives."""
    from paperkb import searchindex
    from paperkb.render import SiteRenderer

    def terms(root: Path) -> tuple[Any, Any]:
        kb, _ = load_kb(root)
        assert kb is not None
        renderer = SiteRenderer(kb)
        paper = kb.paper_by_id["lora"]
        return renderer._paper_terms(paper), searchindex.paper_terms(kb, paper, renderer.keys["lora"])

    before, fresh = terms(toy)
    assert before == fresh
    topic = toy / "topics" / "peft.yaml"
    topic.write_text(topic.read_text(encoding="utf-8").replace("name: 参数高效微调", "name: 旁路微调"), encoding="utf-8")
    after, fresh = terms(toy)
    assert after == fresh != before
    record = toy / "papers" / "lora.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("short_name: LoRA", "short_name: LoRA2"), encoding="utf-8")
    again, fresh = terms(toy)
    assert again == fresh != after


def test_a_topic_listing_counts_its_filter_form_once_not_once_a_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page of a topic's listing shows the same filter form; counting it per page was quadratic in the topic's
    size (render_site at 30,000 papers took 4.6 times as long as at 10,000)."""
    from paperkb import listpages

    kb, _ = load_kb(TOY)
    assert kb is not None
    monkeypatch.setattr(render, "CARDS_PER_PAGE", 1)  # one card a page: every topic with papers has several pages
    calls: list[str] = []
    real = listpages.facet_options

    def counting(kb_: Any, papers: Any, fixed: dict[str, str]) -> Any:
        calls.append(fixed.get("topic", ""))
        return real(kb_, papers, fixed)

    monkeypatch.setattr(listpages, "facet_options", counting)
    renderer = render.SiteRenderer(kb)
    for topic in kb.topics:
        calls.clear()
        pages = renderer.topic_pages(topic)
        listings = 1 + (len(kb.papers_by_topic[topic.id]) != len(kb.papers_under(topic.id)))
        assert len(pages) >= len(kb.papers_under(topic.id))
        assert calls == [topic.id] * listings
