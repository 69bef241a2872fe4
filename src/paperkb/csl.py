"""CSL-JSON export, the input of Zotero, Pandoc (citeproc) and most word-processor citation tools.

It carries the same facts as the BibTeX export (`citation.py` decides them: kind, year, DOI, URL) under the same citation
keys, so a document can switch between the two without changing a single citation. Values are plain Unicode text: CSL
processors do their own escaping, so nothing here is LaTeX-encoded. Output is deterministic: items sorted by id, the keys
of an item in one fixed order (`item_for`), UTF-8 kept as is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from paperkb.citation import citation_facts, keys_for
from paperkb.kb import KnowledgeBase
from paperkb.models import Paper
from paperkb.names import split_name

# CSL item types: a preprint is "article" (CSL's type for preprints and working papers), as Zotero exports arXiv papers.
_TYPES = {"conference": "paper-conference", "journal": "article-journal", "preprint": "article", "web": "article"}


def csl_name(name: str) -> dict[str, str]:
    """{family, given[, suffix]}; the particle stays in `family` ("van Beethoven"), which citeproc parses out itself."""
    parts = split_name(name)
    out = {"family": parts.full_family, "given": parts.given, "suffix": parts.suffix}
    return {k: v for k, v in out.items() if v}


def item_for(kb: KnowledgeBase, paper: Paper, key: str) -> dict[str, Any]:
    """The CSL-JSON item for one paper under citation key `key`."""
    facts = citation_facts(kb, paper)
    item: dict[str, Any] = {"id": key, "type": _TYPES[facts.kind], "title": paper.title}
    if paper.authors:
        item["author"] = [csl_name(a) for a in paper.authors]
    elif paper.team:
        item["author"] = [{"literal": paper.team}]  # CSL's form for an organisation: never split into given/family
    item["issued"] = {"date-parts": [[facts.year]]}
    if facts.container:
        item["container-title"] = facts.container
    if facts.series:
        item["collection-title"] = facts.series
    if facts.volume:
        item["volume"] = facts.volume
    if facts.pages:
        first, last = facts.pages
        item["page"] = first if first == last else f"{first}-{last}"
    if facts.publisher:
        item["publisher"] = facts.publisher
    if facts.address:
        item["publisher-place"] = facts.address
    if facts.kind == "preprint" and facts.arxiv:
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{facts.arxiv}"
    if facts.doi:
        item["DOI"] = facts.doi
    if facts.url:
        item["URL"] = facts.url
    return item


def export_csl(kb: KnowledgeBase, papers: Iterable[Paper]) -> str:
    """A CSL-JSON array for `papers`, sorted by citation key; keys are computed over the whole knowledge base."""
    chosen = {p.id: p for p in papers}
    keys = keys_for(kb, chosen.values())
    items = [item_for(kb, p, keys[p.id]) for p in sorted(chosen.values(), key=lambda p: keys[p.id])]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"  # key order fixed by item_for
