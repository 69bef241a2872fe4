"""Identifier grammars at their edges: what mutation testing found untested in identifiers.py (tests/mutation/README.md).

Each test names a rule of the arXiv, URL, DOI and slug grammars and pins it at the boundary where a one-character change
of the code would move it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mutanttools import paper, problems_of

from paperkb import identifiers
from paperkb.identifiers import arxiv_problem, arxiv_year, https_url_problem, normalise_arxiv

# --- arXiv ids -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("early", ["0703.1234", "0612.0001", "0001.0001", "0703.9999"])
def test_new_style_ids_start_at_0704(early: str) -> None:
    """arXiv introduced YYMM.NNNN in April 2007; an earlier YYMM in that form names no paper."""
    assert arxiv_problem(early) == f"'{early}' predates new-style arXiv ids (2007-04); check the id on arxiv.org"


@pytest.mark.parametrize("first", ["0704.0001", "0705.1234", "0801.0001"])
def test_the_first_new_style_months_are_accepted(first: str) -> None:
    assert arxiv_problem(first) is None


def test_a_pre_2007_new_style_id_is_a_located_check_error(toy: Path) -> None:
    lines = problems_of(toy, "papers/early.yaml", paper("early", arxiv='"0612.1234"', year="2006"))
    assert lines == ["papers/early.yaml:4:8: arxiv: '0612.1234' predates new-style arXiv ids (2007-04); check the id on arxiv.org"]


def test_ids_have_four_digits_to_2014_and_five_from_2015() -> None:
    assert arxiv_problem("1412.1234") is None
    assert arxiv_problem("1501.12345") is None  # the first month of five digits
    assert arxiv_problem("1501.1234") == (
        "'1501.1234' has 4 digits after the dot; ids from 2015 have 5 — the id may be truncated or mistyped: check it on arxiv.org"
    )
    assert arxiv_problem("1412.12345") == (
        "'1412.12345' has 5 digits after the dot; ids from 2014 have 4 — the id may be truncated or mistyped: check it on arxiv.org"
    )


@pytest.mark.parametrize(("value", "month"), [("2100.12345", "00"), ("2113.12345", "13")])
def test_new_style_month_must_be_01_to_12(value: str, month: str) -> None:
    assert arxiv_problem(value) == f"'{value}' has month {month}; an arXiv id starts with YYMM — check the id on arxiv.org"


def test_old_style_month_runs_from_01_to_12() -> None:
    assert arxiv_problem("hep-th/9901001") is None
    assert arxiv_problem("hep-th/9912001") is None  # December
    assert arxiv_problem("hep-th/9913001") == "'hep-th/9913001' has month 13; check the id on arxiv.org"
    assert arxiv_problem("hep-th/9900001") == "'hep-th/9900001' has month 00; check the id on arxiv.org"


@pytest.mark.parametrize(
    ("pasted", "bare"),
    [
        ("2106.09685v1", "2106.09685"),
        ("2106.09685v12", "2106.09685"),  # versions run past 9
        ("2106.09685.pdf", "2106.09685"),  # a downloaded file's name
        ("2106.09685v3.pdf", "2106.09685"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("https://arxiv.org/pdf/2106.09685v2.pdf", "2106.09685"),
    ],
)
def test_versions_and_pdf_suffixes_are_stripped(pasted: str, bare: str) -> None:
    assert normalise_arxiv(pasted) == bare
    assert arxiv_problem(pasted) == f"must be the bare arXiv id without version or URL; write '{bare}'"


@pytest.mark.parametrize("text", ["llama-v2", "gpt4v2", "model v3", "notes.pdf.txt"])
def test_text_that_is_not_an_arxiv_id_is_returned_as_is(text: str) -> None:
    """Only something shaped like an arXiv id loses a trailing `vN`: other text is left for the caller to refuse."""
    assert normalise_arxiv(text) == text


def test_a_versioned_id_in_a_record_is_refused_with_the_bare_id(toy: Path) -> None:
    lines = problems_of(toy, "papers/versioned.yaml", paper("versioned", arxiv='"2106.01234v3"'))
    assert lines == ["papers/versioned.yaml:4:8: arxiv: must be the bare arXiv id without version or URL; write '2106.01234'"]


def test_old_style_ids_from_1991_are_of_the_twentieth_century() -> None:
    """arXiv began in August 1991: `91`–`99` are 1991–1999, `00` onwards 2000 and later."""
    assert arxiv_year("hep-th/9108001") == 1991
    assert arxiv_year("hep-th/9912001") == 1999
    assert arxiv_year("math/0001001") == 2000
    assert arxiv_year("0704.0001") == 2007
    assert arxiv_year("not-an-id") is None


# --- free-form URLs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["https://example.org/a b", "https://example.org/a\tb", "https://example.org/\x01", "https://example.org/\x1f"]
)
def test_urls_with_a_space_or_a_control_character_are_refused(url: str) -> None:
    assert https_url_problem(url) == "must not contain spaces or control characters"


@pytest.mark.parametrize("url", ["https://example.org:99999/", "https://example.org:port/", "https://[::1/"])
def test_unparsable_urls_are_refused_with_the_remedy(url: str) -> None:
    assert https_url_problem(url) == "is not a valid URL; write a full https:// address"


def test_an_ordinary_https_url_is_accepted() -> None:
    assert https_url_problem("https://proceedings.mlr.press/v202/paper.html") is None


# --- links built from identifiers ----------------------------------------------------------------------------------


def test_doi_links_keep_the_doi_readable_and_encode_what_would_end_the_path() -> None:
    """A DOI's own punctuation (`/ : ; ( )`) stays as written; `<`, `"`, `#`, `?` and `%` cannot end or redirect the link."""
    assert identifiers.doi_link("10.18653/v1/N19-1423") == "https://doi.org/10.18653/v1/N19-1423"
    assert identifiers.doi_link("10.1002/(SICI)1097-4636:4;2-G") == "https://doi.org/10.1002/(SICI)1097-4636:4;2-G"
    assert identifiers.doi_link('10.1000/a<b>"c#d?e%f') == "https://doi.org/10.1000/a%3Cb%3E%22c%23d%3Fe%25f"


# --- venues, short names, slugs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("venue", ["NeurIPS", "2020", "NeurIPS2020", "NeurIPS 20", "NeurIPS 2020 "])
def test_a_venue_without_a_separate_four_digit_year_does_not_split(venue: str) -> None:
    assert identifiers.split_venue(venue) is None


def test_a_venue_splits_into_series_and_year() -> None:
    assert identifiers.split_venue("ACL Findings 2023") == ("ACL Findings", 2023)


def test_short_name_is_the_head_of_a_name_colon_title() -> None:
    """Up to four words and 60 characters before the colon make a short name; anything longer is a sentence."""
    assert identifiers.title_short_name("R: a one-letter name") == "R"
    four = "Mixture of Many Experts"
    assert identifiers.title_short_name(f"{four}: scaling") == four
    assert identifiers.title_short_name(f"{four} Again: scaling") == ""
    sixty = "A" * 27 + " " + "B" * 32
    assert len(sixty) == 60
    assert identifiers.title_short_name(f"{sixty}: x") == sixty
    assert identifiers.title_short_name(f"{sixty}C: x") == ""
    assert identifiers.title_short_name(": no head") == ""
    assert identifiers.title_short_name("No colon at all") == ""


def test_slugs_drop_punctuation_inside_words() -> None:
    assert identifiers.record_slug("Łukasz's Model") == "lukaszs-model"
    assert identifiers.record_slug("GPT-4 (Technical) Report!") == "gpt-4-technical-report"


def test_slugs_are_at_most_sixty_characters_and_never_end_in_a_hyphen() -> None:
    assert identifiers.record_slug("a" * 70) == "a" * 60
    assert identifiers.record_slug("a" * 59 + " bcd") == "a" * 59  # the cut falls on the hyphen between the words


@pytest.mark.parametrize("text", ["X", "中文标题", "!!!", ""])
def test_text_that_gives_no_valid_id_gives_an_empty_slug(text: str) -> None:
    """A record id needs two characters at least (SLUG); the caller then asks the contributor for one."""
    assert identifiers.record_slug(text) == ""


def test_two_digit_anthology_years_from_50_are_of_the_twentieth_century() -> None:
    """Old-style Anthology ids carry two digits: 50–99 are 1950–1999 (the Anthology begins in the 1950s), 00–49 later."""
    assert identifiers.anthology_year("J50-1001") == 1950
    assert identifiers.anthology_year("P99-1001") == 1999
    assert identifiers.anthology_year("N19-1423") == 2019
    assert identifiers.anthology_year("2023.emnlp-main.923") == 2023
