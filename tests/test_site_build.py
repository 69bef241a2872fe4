"""The real build, end to end: every record has its page, paper pages stay out of the navigation, links resolve."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from conftest import ROOT
from sitetools import internal_targets, parse

from paperkb.repository import load_kb

pytestmark = pytest.mark.slow


def test_every_paper_and_topic_has_a_page(real_site: Path) -> None:
    kb, _ = load_kb(ROOT)
    assert kb is not None
    for paper in kb.papers:
        page = real_site / "papers" / paper.id / "index.html"
        assert page.is_file(), paper.id
        text = parse(page).all_text
        assert paper.title in text
        assert paper.tldr.replace("$", "").replace("**", "").replace("`", "")[:20] in text
    for topic in kb.topics:
        assert (real_site / "topics" / topic.id / "index.html").is_file(), topic.id


def test_paper_pages_are_not_in_the_navigation(real_site: Path) -> None:
    nav_links = [
        a.get("href") or "" for tag, a in parse(real_site / "index.html").tags if tag == "a" and "md-nav__link" in (a.get("class") or "")
    ]
    assert any("topics/" in href for href in nav_links)
    assert not [h for h in nav_links if "papers/" in h and not h.rstrip("/").endswith("papers")], "only the list of all papers"


def test_every_internal_link_resolves(real_site: Path) -> None:
    broken = []
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 150
    for page in pages:
        if "pagefind" in page.parts or page.name == "404.html":  # 404 uses absolute site_url paths by design
            continue
        for href, target in internal_targets(real_site, page):
            if target is None:
                broken.append(f"{page.relative_to(real_site)} -> {href}")
    assert not broken, "\n".join(broken[:20])


def test_paper_page_carries_citation_and_open_graph_tags(real_site: Path) -> None:
    metas = {}
    for tag, attrs in parse(real_site / "papers" / "lora" / "index.html").tags:
        if tag == "meta":
            key = attrs.get("name") or attrs.get("property")
            metas.setdefault(key, []).append(attrs.get("content"))
    assert metas["citation_title"] == ["LoRA: Low-Rank Adaptation of Large Language Models"]
    assert metas["citation_author"][0] == "Edward J. Hu" and len(metas["citation_author"]) == 8
    assert metas["citation_arxiv_id"] == ["2106.09685"]
    assert metas["citation_publication_date"] == ["2021/06/17"]
    assert metas["og:title"] == ["LoRA: Low-Rank Adaptation of Large Language Models"]


def test_data_files_feed_and_citations(real_site: Path) -> None:
    data = json.loads((real_site / "papers.json").read_text(encoding="utf-8"))
    kb, _ = load_kb(ROOT)
    assert kb is not None
    assert data["count"] == len(kb.papers) == len(data["papers"])
    feed = ET.parse(real_site / "feed.xml").getroot()
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == min(50, len(kb.papers))
    import bibtexparser

    library = bibtexparser.parse_string((real_site / "cite" / "all.bib").read_text(encoding="utf-8"))
    assert len(library.entries) == len(kb.papers) and not library.failed_blocks
    assert (real_site / "cite" / "topics" / "peft.bib").is_file()
    assert (real_site / "pagefind" / "pagefind.js").is_file()


def test_no_page_loads_anything_from_another_host(real_site: Path) -> None:
    """Static check backing the browser test: no script, stylesheet, font or image URL points off-site."""
    for page in real_site.rglob("*.html"):
        for tag, attrs in parse(page).tags:
            url = attrs.get("src") if tag in {"script", "img", "iframe"} else attrs.get("href") if tag == "link" else None
            if url and tag == "link" and attrs.get("rel") in {"canonical", "alternate"}:
                continue
            assert not (url or "").startswith(("http:", "https:", "//")), f"{page}: {tag} {url}"


def test_every_topic_feed_is_valid_atom_and_no_head_links_a_feed(real_site: Path) -> None:
    """Feeds are linked from the page body: a `<link rel="alternate">` in the head makes Material fetch sitemap.xml on
    every page view. Each topic's feed parses as Atom and lists the papers of the topic and its sub-topics."""
    kb, _ = load_kb(ROOT)
    assert kb is not None
    for topic in kb.topics:
        parsed = feedparser.parse((real_site / "topics" / topic.id / "feed.xml").read_bytes())
        assert not parsed.bozo and parsed.version == "atom10", (topic.id, parsed.get("bozo_exception"))
        assert len(parsed.entries) == min(50, len(kb.papers_under(topic.id))), topic.id
        assert all(e.id and e.updated and e.title for e in parsed.entries)
    heads = [p for p in real_site.rglob("*.html") if 'rel="alternate"' in p.read_text(encoding="utf-8").split("</head>", 1)[0]]
    assert heads == [], heads[:5]


def test_every_paper_has_its_three_citation_files(real_site: Path) -> None:
    kb, _ = load_kb(ROOT)
    assert kb is not None
    for paper in kb.papers:
        for suffix in (".bib", ".json", ".ris"):
            assert (real_site / "cite" / f"{paper.id}{suffix}").is_file(), (paper.id, suffix)
    assert (real_site / "list" / "index.html").is_file()
