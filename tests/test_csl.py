"""CSL-JSON export: golden output, the same keys and facts as BibTeX, plain Unicode text."""

from __future__ import annotations

import json
from pathlib import Path

from bibtexparser.entrypoint import parse_string
from citation_helpers import HOSTILE_AUTHORS, hostile_papers, toy_kb
from conftest import golden

from paperkb.bibtex import export_bibtex
from paperkb.csl import csl_name, export_csl

GOLDEN = Path(__file__).parent / "golden"


def test_toy_kb_golden_csl(update_golden: bool) -> None:
    kb = toy_kb()
    golden(GOLDEN / "toy.csl.json", export_csl(kb, kb.papers), update_golden)


def test_items_match_the_bibtex_export() -> None:
    """Same keys, same years, same links: a document can switch formats without touching a citation."""
    kb = toy_kb()
    items = {item["id"]: item for item in json.loads(export_csl(kb, kb.papers))}
    entries = {e.key: e for e in parse_string(export_bibtex(kb, kb.papers)).entries}
    assert list(items) == sorted(items) == sorted(entries)
    for key, entry in entries.items():
        item = items[key]
        assert item["issued"] == {"date-parts": [[int(entry["year"])]]}
        assert item["URL"] == entry["url"]
        assert item.get("DOI") == (entry["doi"] if "doi" in entry else None)  # noqa: SIM401 (Entry.get returns a Field)
        assert item["type"] == {"inproceedings": "paper-conference", "article": "article-journal", "misc": "article"}[entry.entry_type]


def test_preprint_item() -> None:
    kb = toy_kb()
    paper = kb.paper_by_id["lora"].model_copy(update={"venue": None})
    (item,) = json.loads(export_csl(kb, [paper]))
    assert item["type"] == "article"
    assert item["number"] == "arXiv:2106.09685"
    assert item["publisher"] == "arXiv"
    assert item["DOI"] == "10.48550/arXiv.2106.09685"
    assert item["issued"] == {"date-parts": [[2021]]}
    assert "container-title" not in item


def test_values_are_plain_unicode_and_names_are_split() -> None:
    kb = toy_kb()
    text = export_csl(kb, hostile_papers(kb))
    assert "Łukasz" in text and "\\u0141" not in text  # ensure_ascii=False: UTF-8 kept
    items = json.loads(text)
    titles = {item["title"] for item in items}
    assert "Nice}, author = {Mallory" in titles  # JSON needs no LaTeX escaping: the title is kept exactly
    (names,) = [item for item in items if item["title"] == "Names"]
    assert len(names["author"]) == len(HOSTILE_AUTHORS)
    assert csl_name("Ludwig van Beethoven") == {"family": "van Beethoven", "given": "Ludwig"}
    assert csl_name("Martin Luther King Jr.") == {"family": "King", "given": "Martin Luther", "suffix": "Jr."}
    assert csl_name("王小明") == {"family": "王小明"}


def test_authorless_paper_has_no_author() -> None:
    kb = toy_kb()
    (item,) = json.loads(export_csl(kb, [kb.paper_by_id["gpt-2"]]))
    assert "author" not in item
    assert item["id"] == "gpt2-2019language"


def test_a_team_report_is_a_literal_csl_author() -> None:
    kb = toy_kb()
    report = kb.paper_by_id["gpt-2"].model_copy(update={"id": "qwen2", "authors": None, "team": "Qwen Team"})
    item = json.loads(export_csl(kb, [report]))[0]
    assert item["author"] == [{"literal": "Qwen Team"}]
