"""Machine-readable outputs: the `papers.json` dump and the Atom feeds of new additions (the collection's, each topic's).

Users of paper sites ask for "what's new" they can subscribe to, most of all by topic; a feed is ordered by `added`, the
date a record joined the knowledge base (not the paper's date), which is what a subscriber wants to be told about. A
topic's feed holds its sub-topics' papers too, as its .bib file does.

Pages link to their feed in the page body, never with `<link rel="alternate">` in the head: Material for MkDocs fetches
`sitemap.xml` on every page view when the head has such a link, and the sitemap grows with the collection.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import date

from paperkb.kb import KnowledgeBase
from paperkb.models import Paper

ATOM = "http://www.w3.org/2005/Atom"


def newest(kb: KnowledgeBase, n: int, papers: Iterable[Paper] | None = None) -> list[Paper]:
    """The n most recently added of `papers` (default: all); ties: newest paper first, then id, for a stable order."""
    pool = kb.papers if papers is None else papers
    return sorted(pool, key=lambda p: (p.added, p.published or date(p.year, 1, 1), p.id), reverse=True)[:n]


def papers_json(kb: KnowledgeBase, site_url: str) -> str:
    """Every record as JSON, with its page URL; sorted by id."""
    rows = []
    for paper in kb.papers:
        row = paper.model_dump(mode="json", exclude_none=True)
        row["page"] = f"{site_url}papers/{paper.id}/"
        rows.append(row)
    return json.dumps({"version": 1, "count": len(rows), "papers": rows}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def topic_feed_path(topic_id: str) -> str:
    """A topic's feed sits next to its page: topics/<id>/feed.xml."""
    return f"topics/{topic_id}/feed.xml"


def atom_feed(
    kb: KnowledgeBase,
    site_url: str,
    title: str,
    n: int = 30,
    *,
    papers: Iterable[Paper] | None = None,
    page: str | None = None,
    path: str = "feed.xml",
) -> str:
    """An Atom feed of the n newest additions among `papers` (default: all); ElementTree does the escaping.

    `page` is the page the feed stands for (its `alternate` link and its id: the collection's home page, or a topic's
    page), `path` where the feed itself is written under the site (its `self` link).
    """
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    items = newest(kb, n, papers)
    page = page or site_url
    updated = max((p.added for p in items), default=date(2026, 1, 1))
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = page
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = f"{updated.isoformat()}T00:00:00Z"
    ET.SubElement(feed, f"{{{ATOM}}}link", href=page)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{site_url}{path}")
    if not items:  # Atom requires an author on the feed when no entry carries one
        ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "paperkb"
    for paper in items:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        url = f"{site_url}papers/{paper.id}/"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = paper.heading
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url
        ET.SubElement(entry, f"{{{ATOM}}}link", href=url)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = f"{paper.added.isoformat()}T00:00:00Z"
        for name in paper.authors or []:
            ET.SubElement(ET.SubElement(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = name
        if not paper.authors:
            ET.SubElement(ET.SubElement(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = paper.team or "paperkb"
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = paper.tldr
        for topic in paper.topics:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=topic)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
