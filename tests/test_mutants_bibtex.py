"""BibTeX encoding rules that mutation testing found unguarded in bibtex.py (tests/mutation/README.md)."""

from __future__ import annotations

import pytest
from citation_helpers import cite_kb

from paperkb import bibtex


def test_a_comma_after_the_last_word_of_a_name_is_braced_too() -> None:
    """BibTeX splits a name at every top-level comma, wherever it is."""
    assert bibtex.latex_escape("a, b,", name=True) == "a{,} b{,}"


def test_an_author_name_without_a_visible_character_is_reported_as_a_bug() -> None:
    with pytest.raises(ValueError, match=r"^bug: author name ' \\x00 ' has no visible character$"):
        bibtex.bibtex_name(" \x00 ")


@pytest.mark.parametrize("key", ["LoRA", "-lora", "", "lo ra"])
def test_a_citation_key_that_is_not_lower_case_ascii_is_reported_as_a_bug(key: str) -> None:
    kb = cite_kb()
    with pytest.raises(ValueError, match=rf"^bug: citation key {key!r} is not lower-case ASCII$"):
        bibtex.entry_for(kb, kb.paper_by_id["lora"], key)


@pytest.mark.parametrize("value", ["}{", "{", "}", "{}}{"])
def test_the_brace_check_refuses_any_value_whose_braces_do_not_balance(value: str) -> None:
    with pytest.raises(ValueError, match=r"^bug: encoding 'src' gave unbalanced braces: "):
        bibtex._check_balanced(value, "src")


def test_the_word_and_inside_a_given_name_is_braced_so_bibtex_does_not_start_a_new_author_there() -> None:
    """BibTeX splits the author field at every top-level ' and ', whatever the case and wherever it is."""
    assert bibtex.bibtex_name("Maria And Smith") == "Smith, Maria {And}"
    assert bibtex.bibtex_name("Anders And Lee, Jr.") == "Lee, Jr., Anders {And}"


@pytest.mark.parametrize("ch", ["й", "ḁ"])  # a non-Latin base letter with a breve; a Latin one with an accent TeX has no command for
def test_a_letter_that_is_not_one_latin_letter_plus_a_known_accent_stays_as_typed(ch: str) -> None:
    assert bibtex.latex_escape(ch) == ch
    assert bibtex.latex_escape("é") == "{\\'{e}}"


@pytest.mark.parametrize(("pages", "field"), [("7", "7"), ("4171-4186", "4171--4186")])
def test_a_single_page_is_written_alone_and_a_range_with_an_en_dash(pages: str, field: str) -> None:
    kb = cite_kb()
    bert = kb.paper_by_id["bert"].model_copy(update={"pages": pages})
    assert bibtex.entry_for(kb, bert, "bert").fields_dict["pages"].value == field
