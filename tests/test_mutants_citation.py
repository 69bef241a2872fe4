"""Citation rules that mutation testing found unguarded in citation.py (tests/mutation/README.md)."""

from __future__ import annotations

import pytest
from citation_helpers import cite_kb

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
