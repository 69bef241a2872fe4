"""Loader behaviour that mutation testing found unguarded in yamlload.py (tests/mutation/README.md).

Most tests feed one broken text to the loader and assert the exact location and message a contributor is shown: the
syntax-error explanations are the loader's promise that a mistake is reported where it is, in words that say what to
type.
"""

from __future__ import annotations

import pytest

from paperkb import yamlload
from paperkb.yamlload import Document, Fatal, Loc


def fatal(text: str) -> tuple[Loc, str]:
    with pytest.raises(Fatal) as caught:
        yamlload.parse(text)
    return caught.value.loc, caught.value.message


# --- where a missing value is located ------------------------------------------------------------------------------


def test_a_missing_path_is_located_at_its_nearest_existing_ancestor() -> None:
    doc = Document(locs={(): Loc(1, 1), ("a",): Loc(2, 1), ("a", "b"): Loc(3, 3)})
    assert doc.loc(("a", "b", "c")) == Loc(3, 3)  # the parent, not the grandparent
    assert doc.loc(("a", "b", "c", "d")) == Loc(3, 3)
    assert doc.loc(("z", "y")) == Loc(1, 1)


def test_a_path_with_no_located_ancestor_falls_back_to_the_root_then_to_the_first_character() -> None:
    assert Document(locs={(): Loc(4, 2)}).loc(("x",)) == Loc(4, 2)
    assert Document().loc(("x", "y")) == Loc(1, 1)
    assert Document().loc(()) == Loc(1, 1)


def test_a_fatal_error_reads_as_its_message() -> None:
    assert str(Fatal(Loc(2, 3), "the message")) == "the message"


# --- bytes before parsing ------------------------------------------------------------------------------------------


def test_a_file_of_exactly_the_byte_limit_is_accepted() -> None:
    assert yamlload.decode(b"a: 1\n", max_bytes=5) == "a: 1\n"
    with pytest.raises(Fatal, match="file is 6 bytes; records must be at most 5 bytes"):
        yamlload.decode(b"a: 12\n", max_bytes=5)


@pytest.mark.parametrize("raw", [b"\xfe\xff\x00a", b"\xff\xfea\x00", b"a\x00", b"\x00a", b"\x00a\x00b"])
def test_utf16_is_recognised_by_its_mark_or_by_a_zero_byte_in_the_first_two(raw: bytes) -> None:
    with pytest.raises(Fatal, match="file looks like UTF-16; records must be UTF-8"):
        yamlload.decode(raw)


@pytest.mark.parametrize("raw", [b"\x01a", b"a\x01", b"\x00"])
def test_a_control_byte_or_a_lone_zero_byte_is_not_taken_for_utf16(raw: bytes) -> None:
    assert yamlload.decode(raw) == raw.decode("utf-8")  # the parser refuses it next, with its own message


def test_a_utf8_byte_order_mark_is_dropped_only_at_the_start() -> None:
    """Editors on Windows write one; it is not part of the first key."""
    assert yamlload.decode(b"\xef\xbb\xbfa: 1\n") == "a: 1\n"
    assert yamlload.decode(b"a: 1 \xef\xbb\xbf") == "a: 1 \ufeff"


def test_invalid_utf8_is_located_on_its_line() -> None:
    with pytest.raises(Fatal) as caught:
        yamlload.decode(b"a: 1\nb: 2\nc: \xff\n")
    assert caught.value.loc == Loc(3, 1)
    assert caught.value.message == "file is not valid UTF-8; records must be UTF-8 — re-save the file as UTF-8"


# --- numbers ------------------------------------------------------------------------------------------------------


def test_a_whole_number_of_fifteen_digits_is_kept_and_one_of_sixteen_is_refused() -> None:
    doc = yamlload.parse("a: 123456789012345\nb: -123456789012345\nc: 1234567890123456\n")
    assert doc.data == {"a": 123456789012345, "b": -123456789012345, "c": "1234567890123456"}
    assert doc.problems == [
        (Loc(3, 4), ("c",), "`123456789012…` is a whole number of 16 digits; numbers in records have at most 15")
    ]


# --- the line a message quotes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "line"),
    [("a\nb", 1, "a"), ("a\nb", 2, "b"), ("a\nb\n", 2, "b"), ("\nb", 1, ""), ("a\nb", 3, ""), ("a\nb", 5, "")],
)
def test_the_quoted_line_is_the_whole_line_and_nothing_past_the_end(text: str, number: int, line: str) -> None:
    assert yamlload._line(text, number) == line


# --- an unquoted value holding `: ` --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "advice"),
    [
        ("title: a: b\n", Loc(1, 8), 'write title: "a: b"'),  # the first line of the file
        ("id: x\ntitle: a: b\n", Loc(2, 8), 'write title: "a: b"'),
        ("title: 日本: b\n", Loc(1, 8), 'write title: "日本: b"'),  # the advice is typed as it reads, not \\u-escaped
        ("? a\n: b: c: d\n", Loc(2, 3), 'write : "b: c: d"'),  # the line opens with the value indicator
    ],
)
def test_an_unquoted_value_holding_a_colon_space_gets_the_quoted_form_to_type(text: str, where: Loc, advice: str) -> None:
    assert fatal(text) == (where, f"not valid YAML: a value containing `: ` must be quoted; {advice}")


def test_the_quoted_form_is_spelled_out_for_a_line_of_up_to_400_characters_only() -> None:
    head = "title: "
    at_limit = head + "a" * (400 - len(head) - 5) + ": b c"
    past_limit = head + "a" * (401 - len(head) - 5) + ": b c"
    assert len(at_limit) == 400 and len(past_limit) == 401
    assert fatal(at_limit + "\n")[1].endswith('must be quoted; write title: "' + at_limit[len(head) :] + '"')
    assert fatal(past_limit + "\n") == (
        Loc(1, 8),
        "not valid YAML: a value containing `: ` must be quoted; put it in double quotes",
    )


def test_a_line_indented_under_a_plain_value_is_said_to_be_indented_too_deep() -> None:
    assert fatal("x: y\n  z: 1\n") == (
        Loc(2, 4),
        "not valid YAML: this line is indented deeper than the key above it; indent it like its neighbours",
    )


# --- tabs ----------------------------------------------------------------------------------------------------------

TAB = "this line is indented with a tab; YAML indents with spaces only — replace the tab with spaces"


def test_the_first_tab_of_the_indentation_is_pointed_at() -> None:
    assert fatal(" \t \tb: 2\n") == (Loc(1, 2), TAB)
    assert fatal("a: 1\n\t b: 2\n") == (Loc(2, 1), TAB)


def test_a_tab_inside_a_value_is_not_called_indentation() -> None:
    assert fatal("title: x: y\tz\n") == (Loc(1, 8), 'not valid YAML: a value containing `: ` must be quoted; write title: "x: y\\tz"')


# --- unclosed quotes -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "quote"),
    [
        ("c: 'open\nd: 4\ne: 5\n", Loc(1, 4), "'"),  # on the first line, the error two lines later
        ("a: 1\nc: 'open\nd: 4\n", Loc(2, 4), "'"),  # on the line just before the error
        ("title: 'It''s open\nb: 1\n", Loc(1, 8), "'"),  # '' is a quote inside single quotes
        ('title: "a \\" b\nc: 1\n', Loc(1, 8), '"'),  # \" is a quote inside double quotes
    ],
)
def test_an_unclosed_quote_is_located_where_it_opens(text: str, where: Loc, quote: str) -> None:
    assert fatal(text) == (where, f"not valid YAML: this {quote} is never closed; end the value with {quote} on this line")


@pytest.mark.parametrize("closed", ["b: 'closed'", "b: 'it''s'", 'b: "a\\\\"'])
def test_a_closed_quote_above_an_error_is_not_blamed(closed: str) -> None:
    assert fatal(f"{closed}\nx: y\n  z: 1\n") == (
        Loc(3, 4),
        "not valid YAML: this line is indented deeper than the key above it; indent it like its neighbours",
    )
