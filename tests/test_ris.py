"""RIS export read back by a real RIS reader (rispy): titles, authors, year and DOI round-trip; Zotero's tags; no way
for a value to start a tag or a record of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
import rispy
from citation_helpers import HOSTILE_AUTHORS, cite_kb, hostile_papers, toy_kb
from conftest import TOY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperkb import cli
from paperkb.citation import citation_facts, citation_keys, one_line
from paperkb.kb import KnowledgeBase
from paperkb.models import Paper
from paperkb.names import split_name
from paperkb.ris import export_ris, ris_name


def _read(text: str) -> list[dict[str, object]]:
    entries = rispy.loads(text)
    assert text.count("\nER  - \n") + text.startswith("ER  - ") == len(entries), "a record was lost or split"
    return entries


def _family_given(name: str) -> tuple[str, str]:
    parts = split_name(name)
    return one_line(parts.full_family.replace(",", " ")), one_line(parts.given.replace(",", " "))


def _round_trip(kb: KnowledgeBase, papers: list[Paper]) -> None:
    keys = citation_keys({**kb.paper_by_id, **{p.id: p for p in papers}}.values())
    entries = {e["id"]: e for e in _read(export_ris(kb, papers))}
    assert sorted(entries) == sorted(keys[p.id] for p in papers)
    for paper in papers:
        entry = entries[keys[paper.id]]
        facts = citation_facts(kb, paper)
        assert entry["title"] == one_line(paper.title)
        assert entry["year"] == str(facts.year)
        assert entry.get("doi") == facts.doi
        assert entry.get("urls") == ([facts.url] if facts.url else None)
        if paper.authors:
            got = [(*a.split(", "), "")[:2] for a in entry["authors"]]  # type: ignore[attr-defined]
            assert got == [_family_given(a) for a in paper.authors], entry["authors"]
        elif paper.team:
            assert entry["authors"] == [paper.team]
        else:
            assert "authors" not in entry
        assert "abstract" not in entry  # no AB: Zotero would import our text as the paper's abstract


def test_every_kind_round_trips_through_a_real_reader() -> None:
    kb = cite_kb()
    _round_trip(kb, list(kb.papers))
    kb = toy_kb()
    _round_trip(kb, list(kb.papers))


def test_hostile_titles_and_names_round_trip() -> None:
    kb = toy_kb()
    papers = hostile_papers(kb)
    _round_trip(kb, papers)
    (names,) = [e for e in _read(export_ris(kb, papers)) if e["title"] == "Names"]
    assert len(names["authors"]) == len(HOSTILE_AUTHORS)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pid", "expected"),
    [
        ("bert", {"TY": "CONF", "T2": "Proceedings of the 2019", "C3": "Proceedings of the 2019", "PB": "Association", "DB": "arXiv"}),
        ("lost-in-the-middle", {"TY": "JOUR", "T2": "Transactions of the Association", "VL": "12", "SP": "157", "EP": "173"}),
        ("speculative-decoding", {"TY": "CONF", "T3": "Proceedings of Machine Learning Research", "VL": "202", "PB": "PMLR"}),
        ("qwen2-5", {"TY": "GEN", "AU": "Qwen Team", "AN": "arXiv:2412.15115", "DO": "10.48550/arXiv.2412.15115"}),
        ("gpt-2", {"TY": "GEN", "UR": "https://cdn.openai.com/"}),
    ],
)
def test_tags_are_the_ones_zoteros_importer_reads(pid: str, expected: dict[str, str]) -> None:
    kb = cite_kb()
    lines = export_ris(kb, [kb.paper_by_id[pid]]).splitlines()
    assert lines[0].startswith("TY  - ") and lines[-1] == "ER  - "
    tags = {}
    for line in lines:
        tag, sep, value = line.partition("  - ")
        assert sep and len(tag) == 2, line
        tags.setdefault(tag, value)
    for tag, start in expected.items():
        assert tags[tag].startswith(start), (tag, tags.get(tag))
    assert "AB" not in tags
    if expected["TY"] != "CONF":
        assert "C3" not in tags  # the proceedings-title tag belongs to conference papers only


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Edward J. Hu", "Hu, Edward J."),
        ("Ludwig van Beethoven", "van Beethoven, Ludwig"),
        ("Martin Luther King Jr.", "King, Martin Luther, Jr."),
        ("Plato", "Plato"),
        ("Smith, Jr.", "Smith, , Jr."),
        ("王小明", "王小明"),
    ],
)
def test_names_are_family_comma_given(name: str, expected: str) -> None:
    assert ris_name(name) == expected


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(min_size=1, max_size=120).filter(lambda s: one_line(s) != ""))
def test_any_title_stays_one_value_of_one_record(title: str) -> None:
    """Line breaks, `ER  - `, `TY  - ` in a title: still one record, and the title comes back as written (one line)."""
    kb = toy_kb()
    paper = kb.paper_by_id["lora"].model_copy(update={"title": title + "\nER  - \nTY  - JOUR", "id": "prop"})
    (entry,) = _read(export_ris(kb, [paper]))
    assert entry["title"] == one_line(title + "\nER  - \nTY  - JOUR")
    assert entry["type_of_reference"] == "CONF"


def test_cli_writes_ris(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "refs.ris"
    assert cli.main(["--root", str(TOY), "bib", "--format", "ris", "--out", str(out)]) == 0
    kb = toy_kb()
    assert out.read_text(encoding="utf-8") == export_ris(kb, kb.papers)
    assert "wrote 3 entries" in capsys.readouterr().err
    assert len(_read(out.read_text(encoding="utf-8"))) == 3
