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
    assert doc.problems == [(Loc(3, 4), ("c",), "`123456789012…` is a whole number of 16 digits; numbers in records have at most 15")]


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


# --- the tree, its locations and its problems ----------------------------------------------------------------------


def test_nested_values_keep_their_text_their_locations_and_the_path_of_each_problem() -> None:
    doc = yamlload.parse("a: yes\nb:\n  - 1.5\n  - n\n  - [x, 0x1F]\nc:\n  d: 017\n  e: {f: 1e3}\na: 2\n")
    assert doc.data == {"a": "yes", "b": ["1.5", "n", ["x", "0x1F"]], "c": {"d": "017", "e": {"f": "1e3"}}}
    assert doc.locs == {
        (): Loc(1, 1), ("a",): Loc(1, 4), ("b",): Loc(3, 3), ("b", 0): Loc(3, 5), ("b", 1): Loc(4, 5),
        ("b", 2): Loc(5, 5), ("b", 2, 0): Loc(5, 6), ("b", 2, 1): Loc(5, 9), ("c",): Loc(7, 3),
        ("c", "d"): Loc(7, 6), ("c", "e"): Loc(8, 6), ("c", "e", "f"): Loc(8, 10),
    }  # fmt: skip
    assert doc.key_locs == {
        ("a",): Loc(1, 1), ("b",): Loc(2, 1), ("c",): Loc(6, 1), ("c", "d"): Loc(7, 3), ("c", "e"): Loc(8, 3),
        ("c", "e", "f"): Loc(8, 7),
    }  # fmt: skip
    assert doc.problems == [
        (Loc(1, 4), ("a",), "`yes` is read as a boolean by YAML 1.1 tools; quote it ('yes') if you mean the text"),
        (Loc(3, 5), ("b", 0), "`1.5` is read as a number by YAML tools (2310.10000 becomes 2310.1); quote it: '1.5'"),
        (Loc(4, 5), ("b", 1), "`n` is read as a boolean by YAML 1.1 tools; quote it ('n') if you mean the text"),
        (Loc(5, 9), ("b", 2, 1), "`0x1F` is read as an octal, hex or base-60 number by YAML tools; quote it ('0x1F')"),
        (Loc(7, 6), ("c", "d"), "`017` is read as an octal, hex or base-60 number by YAML tools; quote it ('017')"),
        (Loc(9, 1), ("a",), "duplicate key `a` (first on line 1); keep one of them"),
    ]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("a: 1\n--- \nb: 2\n", Loc(2, 1), "a record file holds one document; remove the second `---` and what follows"),
        ("a: *b\n", Loc(1, 4), "aliases (`*name`) are not allowed in records; write the value out"),
        ("a: &b x\n", Loc(1, 4), "anchors (`&name`) are not allowed in records; remove them"),
        ("a: !!str b\n", Loc(1, 4), "YAML tags (`tag:yaml.org,2002:str`) are not allowed in records; remove the tag"),
        ("a: !x 'b'\n", Loc(1, 4), "YAML tags (`!x`) are not allowed in records; remove the tag"),
        ("a: !x [1]\n", Loc(1, 4), "YAML tags (`!x`) are not allowed in records; remove the tag"),
        ("[1, 2]: x\n", Loc(1, 1), "keys must be plain text such as `title:`"),
        ("? [1]\n: x\n", Loc(1, 3), "keys must be plain text such as `title:`"),
        ("1: x\n", Loc(1, 1), "keys must be plain text such as `title:`"),
        ("a: 1\n<<: {b: 2}\n", Loc(2, 1), "merge keys (`<<:`) are not allowed in records; write the fields out"),
        ("", Loc(1, 1), "file is empty; a record is a mapping of fields such as `id:` and `title:`"),
        ("# only a comment\n", Loc(1, 1), "file is empty; a record is a mapping of fields such as `id:` and `title:`"),
    ],
)
def test_structure_no_record_may_have_is_refused_where_it_is(text: str, where: Loc, message: str) -> None:
    assert fatal(text) == (where, message)


def test_a_single_leading_document_marker_is_allowed() -> None:
    assert yamlload.parse("---\na: 1\n...\n").data == {"a": 1}
    assert yamlload.parse("--- a\n").data == "a"


def test_twelve_levels_of_nesting_are_allowed_and_thirteen_are_not() -> None:
    assert yamlload.parse("a: " + "[" * 11 + "]" * 11 + "\n").data == {"a": [[[[[[[[[[[]]]]]]]]]]]}
    assert fatal("a: " + "[" * 12 + "]" * 12 + "\n") == (
        Loc(1, 15),
        "nesting is too deep (more than 12 levels); records are flat mappings",
    )


def test_nesting_too_deep_for_the_parser_itself_gets_the_same_advice() -> None:
    assert fatal("[" * 5000 + "]" * 5000)[1] == "nesting is too deep; records are flat mappings of fields"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: 1\nb: x\x07y\nc: \x07\n", Loc(2, 5)),  # the first one, on its own line and column
        ("\nb: x\x07", Loc(2, 5)),  # counted from the very first character, a line break
        ("\x07a: 1\n", Loc(1, 1)),
        ("a: 1\nb: 22\nc: x\x07\n", Loc(3, 5)),  # the column counts from the last line break before it, not the first
    ],
)
@pytest.mark.parametrize("parser", ["libyaml", "pyyaml"])
def test_a_control_character_is_named_and_located_at_its_first_occurrence(
    text: str, where: Loc, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LibYAML reports the character as a number and PyYAML as the character itself: both give the same message."""
    import yaml

    if parser == "pyyaml":
        monkeypatch.setattr(yamlload, "_Parser", yaml.SafeLoader)
    assert fatal(text) == (where, "not valid YAML: the control character U+0007 is not allowed in YAML files; delete it")


@pytest.mark.parametrize("parser", ["libyaml", "pyyaml"])
@pytest.mark.parametrize("text", ["a: ! b\n", "a: ! [1]\n", "a: ! {b: 1}\n"])
def test_the_non_specific_tag_is_refused_like_any_tag_whichever_parser_reads_it(
    text: str, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LibYAML marks `! [1]` explicit and PyYAML implicit; the rule must not depend on which one is installed."""
    import yaml

    if parser == "pyyaml":
        monkeypatch.setattr(yamlload, "_Parser", yaml.SafeLoader)
    assert fatal(text) == (Loc(1, 4), "YAML tags (`!`) are not allowed in records; remove the tag")


@pytest.mark.parametrize("written", ["", " ~", " null", " Null", " NULL"])
def test_every_plain_spelling_of_null_reads_as_no_value(written: str) -> None:
    """YAML 1.1's nulls, the empty value included, are None, the same as a key left out; "~" quoted stays text."""
    assert yamlload.parse(f'venue:{written}\ncode: "~"\n').data == {"venue": None, "code": "~"}
