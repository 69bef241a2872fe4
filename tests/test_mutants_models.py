"""Field rules of the models that mutation testing found unguarded (tests/mutation/README.md), seen as a contributor
sees them: one record added to the toy knowledge base, and the located message `paperkb check` prints."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutanttools import paper, problems_of


@pytest.mark.parametrize("written", ['"24.11.2026"', '"2026/11/24"', '"2026-11-24T10:00"', '"20261124"'])
def test_a_date_in_another_shape_is_refused_with_the_form_to_write(toy: Path, written: str) -> None:
    lines = problems_of(toy, "papers/when.yaml", paper("when", added=written))
    assert lines == ["papers/when.yaml:13:8: added: must be a date written YYYY-MM-DD, e.g. '2023-10-17'"]


@pytest.mark.parametrize("pages", ['"4171"', '"12-12"', '"4171-4186"'])
def test_one_page_and_ranges_that_do_not_run_backwards_are_accepted(toy: Path, pages: str) -> None:
    assert problems_of(toy, "papers/paged.yaml", paper("paged", venue="ICLR 2022", pages=pages)) == []


def test_a_page_range_that_runs_backwards_is_refused(toy: Path) -> None:
    lines = problems_of(toy, "papers/paged.yaml", paper("paged", venue="ICLR 2022", pages='"20-10"'))
    assert lines == ["papers/paged.yaml:15:8: pages: page range '20-10' ends before it starts; write first-last, e.g. '4171-4186'"]


@pytest.mark.parametrize(
    "value",
    [
        '"LoRA\\n  "',  # a second line of spaces is still a second line
        '"X\\nLoRA"',  # a one-letter first line
        '"LoRA\\nX"',  # a one-letter last line
        '"Lo\\nRA"',
    ],
)
def test_a_line_break_inside_a_one_line_field_is_refused(toy: Path, value: str) -> None:
    lines = problems_of(toy, "papers/broken.yaml", paper("broken", short_name=value))
    assert lines == ["papers/broken.yaml:3:13: short_name: must be one line; remove the line breaks"]


def test_the_final_line_break_of_a_block_scalar_is_not_a_second_line(toy: Path) -> None:
    """`title: |` ends its value with a newline; that one is not a line break inside the title."""
    assert problems_of(toy, "papers/block.yaml", paper("block", short_name="|\n  LoRA")) == []
