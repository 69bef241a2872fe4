"""Authors are written in natural order; a family-first name would be cited wrongly by every exporter."""

from __future__ import annotations

import pytest

from paperkb import bibtex, names


@pytest.mark.parametrize("name", ["Li, Wei", "Lovelace, Ada Augusta", "King, Martin, Jr.", "Wei,Li", "Li , Wei"])
def test_a_name_written_family_name_first_is_refused_with_the_remedy(name: str) -> None:
    why = names.family_first_problem(name)
    assert why is not None and why.startswith(f"'{name}' is written family name first;") and "'Wei Li'" in why


@pytest.mark.parametrize("name", ["Wei Li", "Martin Luther King, Jr.", "Carl de Boor, III", "Henry Ford, ii", "Ada Lovelace Jr."])
def test_a_natural_order_name_with_at_most_a_comma_before_its_suffix_is_accepted(name: str) -> None:
    assert names.family_first_problem(name) is None


def test_what_the_rule_prevents_a_family_first_name_comes_out_of_bibtex_with_its_parts_swapped() -> None:
    """Why the check exists: the exporters read natural order, so 'Li, Wei' has family name 'Wei'."""
    assert names.split_name("Li, Wei").family == "Wei"
    assert bibtex.bibtex_name("Wei Li") == "Li, Wei"
