"""Citation rules that mutation testing found unguarded in citation.py (tests/mutation/README.md)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from citation_helpers import cite_kb
from conftest import ROOT, golden

from paperkb import citation


def test_a_team_whose_first_word_ends_in_a_digit_is_kept_apart_from_the_year_by_a_hyphen() -> None:
    """`qwen22024` would read as Qwen 22024; the hyphen keeps the team's own number."""
    kb = cite_kb()
    report = kb.paper_by_id["qwen2-5"].model_copy(update={"team": "Qwen2 Team"})
    assert citation.base_key(report) == "qwen2-2024qwen25"
    assert citation.base_key(kb.paper_by_id["qwen2-5"]) == "qwen2024qwen25"


def test_a_venue_outside_the_registry_is_reported_as_a_bug_naming_the_paper() -> None:
    """`paperkb check` rejects such a record first; reaching the exporter with one is a bug, said as such."""
    kb = cite_kb()
    stray = kb.paper_by_id["lora"].model_copy(update={"venue": "NoSuch 2020"})
    with pytest.raises(ValueError, match=r"^bug: paper lora has venue 'NoSuch 2020', which is not '<series> <year>'"):
        citation.citation_facts(kb, stray)


@pytest.mark.parametrize("venue", ["NAACL 2019", "ICLR 2019"])  # an edition without that volume; no edition at all
def test_an_anthology_volume_missing_from_the_registry_is_reported_as_a_bug_naming_the_paper(venue: str) -> None:
    kb = cite_kb()
    stray = kb.paper_by_id["bert"].model_copy(update={"anthology": "N19-9999", "venue": venue})
    with pytest.raises(ValueError, match=rf"^bug: paper bert: Anthology volume N19-9 is not listed for {venue}$"):
        citation.citation_facts(kb, stray)


def test_keys_of_papers_in_the_knowledge_base_are_computed_once_per_knowledge_base() -> None:
    """Exporting 10,000 papers one by one must not recompute every key 10,000 times: the same mapping is handed back."""
    kb = cite_kb()
    first = citation.keys_for(kb, [kb.paper_by_id["lora"]])
    assert citation.keys_for(kb, [kb.paper_by_id["bert"]]) is first
    assert first == citation.citation_keys(kb.papers)
    edited = kb.paper_by_id["lora"].model_copy(update={"title": "Other"})  # not the knowledge base's own record
    assert citation.keys_for(kb, [edited]) is not first


def test_the_facts_of_every_kind_of_citation_are_exactly_the_reviewed_ones(update_golden: bool) -> None:
    """Golden file (reviewed): kind, container, pages as (first, last), volume, series, publisher, address and the
    Anthology id of each paper of the citation fixture, which holds one paper of each kind the exporters render."""
    kb = cite_kb()
    facts = {p.id: dataclasses.asdict(citation.citation_facts(kb, p)) for p in kb.papers}
    golden(ROOT / "tests" / "golden" / "cite" / "facts.json", json.dumps(facts, ensure_ascii=False, indent=1) + "\n", update_golden)


def test_a_paper_known_by_its_doi_alone_is_cited_as_a_web_document_without_a_link() -> None:
    kb = cite_kb()
    doi_only = kb.paper_by_id["lora"].model_copy(update={"arxiv": None, "url": None, "venue": None, "doi": "10.1/x"})
    assert citation.citation_facts(kb, doi_only) == citation.Facts("web", None, doi_only.year, None, "10.1/x", None)


def test_an_arxiv_class_without_an_arxiv_id_is_not_cited() -> None:
    """primaryClass means nothing without eprint; a record that keeps the class after dropping the id loses it here."""
    kb = cite_kb()
    web = kb.paper_by_id["lora"].model_copy(update={"arxiv": None, "url": "https://example.org/p", "arxiv_class": "cs.CL"})
    assert citation.citation_facts(kb, web).arxiv_class is None
    assert citation.citation_facts(kb, web.model_copy(update={"venue": "ICLR 2022"})).arxiv_class is None


def test_a_paper_without_pages_has_no_pages_and_a_single_page_is_first_and_last() -> None:
    kb = cite_kb()
    lora = kb.paper_by_id["lora"]
    assert citation.citation_facts(kb, lora.model_copy(update={"pages": None})).pages is None
    assert citation.citation_facts(kb, lora.model_copy(update={"pages": "7"})).pages == ("7", "7")


def test_suffix_letters_run_a_to_z_then_aa_ab_and_stay_distinct() -> None:
    letters = citation._letters(28)
    assert letters[:3] == ["a", "b", "c"] and letters[25:] == ["z", "aa", "ab"]
    assert len(set(citation._letters(700))) == 700


def test_a_collision_suffix_that_recreates_another_papers_key_is_numbered_apart() -> None:
    """Two 'Attention Models …' papers take suffixes a and b; a third paper whose first title word is 'Attentionmodelsa'
    has the base key the first one was given: the safety net numbers the later id (p3), and no key is shared."""
    kb = cite_kb()
    lora = kb.paper_by_id["lora"]
    titles = {"p1": "Attention Models Here", "p2": "Attention Models There", "p3": "Attentionmodelsa for All"}
    keys = citation.citation_keys(lora.model_copy(update={"id": pid, "title": t}) for pid, t in titles.items())
    assert keys == {"p1": "hu2022attentionmodelsa", "p2": "hu2022attentionmodelsb", "p3": "hu2022attentionmodelsa-2"}


@pytest.mark.parametrize(
    ("short_name", "pid", "stem"),
    [
        ("GPT-4V Structured Reasoning", "gpt4v-sr", "gpt4v"),  # the short name's first word, folded
        ("T5", "t5", "t5-"),  # a stem ending in a digit is kept apart from the year
        ("悟道", "wudao-model", "wudaomodel"),  # no Latin word in the short name: the record id, folded
    ],
)
def test_a_paper_with_neither_authors_nor_team_is_keyed_by_its_short_name_else_its_id(short_name: str, pid: str, stem: str) -> None:
    kb = cite_kb()
    anonymous = kb.paper_by_id["lora"].model_copy(update={"authors": None, "team": None, "short_name": short_name, "id": pid})
    assert citation.base_key(anonymous) == f"{stem}2022lora"
