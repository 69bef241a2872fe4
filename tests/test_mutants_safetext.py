"""Escaping and light-Markdown rules that mutation testing found unguarded in safetext.py (tests/mutation/README.md).

Each test gives one contributed text and asserts the exact HTML or Markdown it becomes: these functions are the only
roads from a record to a page, so what they keep, escape and refuse is the behaviour.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

from paperkb import safetext

# --- one-line fields -----------------------------------------------------------------------------------------------


def test_html_text_escapes_both_quotes_so_it_is_safe_inside_an_attribute() -> None:
    assert safetext.html_text('it\'s a "b" <c>') == "it&#x27;s a &quot;b&quot; &lt;c&gt;"


def test_inline_keeps_the_entities_it_wrote_intact_and_escapes_markdown_around_them() -> None:
    """`#` is Markdown-special, but escaping it inside `&#x27;` would print `&\\#x27;` instead of the apostrophe."""
    assert safetext.inline('it\'s a "b" & c') == "it&#x27;s a &quot;b&quot; &amp; c"
    assert safetext.inline("#1 'x'") == "\\#1 &#x27;x&#x27;"


def test_inline_escapes_markdown_in_text_that_merely_ends_with_a_semicolon() -> None:
    assert safetext.inline("*a*;") == "\\*a\\*;"


def test_a_tldr_keeps_inline_formatting_without_a_paragraph_around_it() -> None:
    assert safetext.tldr_html("**粗** 和 $x$") == (
        '<strong>粗</strong> 和 <span class="pkb-math"><math display="inline"><mrow><mi>x</mi></mrow></math></span>'
    )


@pytest.mark.parametrize(("text", "shown"), [("- a list marker", "- a list marker"), ("> quoted", "&gt; quoted")])
def test_a_tldr_that_markdown_would_make_a_block_is_shown_as_plain_text(text: str, shown: str) -> None:
    assert safetext.tldr_html(text) == shown


# --- lists in notes --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("note", "html"),
    [
        ("- - x", "<ul>\n<li>- x</li>\n</ul>"),
        ("* + x", "<ul>\n<li>+ x</li>\n</ul>"),
        ("-\t- x", "<ul>\n<li>- x</li>\n</ul>"),
        ("1. 2. x", "<ol>\n<li>2. x</li>\n</ol>"),
        ("1. 12. x", "<ol>\n<li>12. x</li>\n</ol>"),
        ("  - - x", "<ul>\n<li>- x</li>\n</ul>"),
        ("- a\n  - - b", "<ul>\n<li>a</li>\n<li>- b</li>\n</ul>"),
    ],
)
def test_a_second_list_marker_on_the_same_line_is_shown_as_text(note: str, html: str) -> None:
    """One level per line: `- - x` is an item reading "- x", never a list inside a list (no recursion per marker)."""
    assert safetext.notes_html(note) == html


@pytest.mark.parametrize("indent", [" " * 20, "\t" * 5])
def test_list_indentation_deeper_than_twelve_columns_is_cut_to_twelve(indent: str) -> None:
    assert safetext.notes_html(f"- a\n{indent}- deep") == "<ul>\n<li>a\n            - deep</li>\n</ul>"
    assert safetext.notes_html(f"{indent}- deep") == "<code>        - deep\n</code>"


@pytest.mark.parametrize("text", ["            XXL-sized models", "  XXXX", "  " + "\u3000" * 12 + "b"])
def test_a_continuation_line_keeps_every_character_of_its_text(text: str) -> None:
    """Only spaces and tabs are indentation; letters and full-width spaces after them are the contributor's text."""
    assert safetext.notes_html(f"- a\n{text}") == f"<ul>\n<li>a\n{text}</li>\n</ul>"


def test_a_tab_indented_line_continues_the_item_above_it() -> None:
    assert safetext.notes_html("- a\n\tmore") == "<ul>\n<li>a\n    more</li>\n</ul>"


@pytest.mark.parametrize("line", ["text", "XXXX"])
def test_a_list_right_after_a_line_of_text_starts_a_list_of_its_own(line: str) -> None:
    """Python-Markdown wants a blank line before a list; one is put in, whatever the line above says."""
    assert safetext.notes_html(f"{line}\n- a") == f"<p>{line}</p>\n<ul>\n<li>a</li>\n</ul>"


@pytest.mark.parametrize("line", ["text", "XXXX"])
def test_each_line_of_text_is_a_paragraph_of_its_own(line: str) -> None:
    assert safetext.notes_html(f"{line}\nnext") == f"<p>{line}</p>\n<p>next</p>"


@pytest.mark.parametrize("note", ["# 标题", "  # 标题", "\t# 标题"])
def test_a_heading_marker_stays_a_character_even_after_spaces(note: str) -> None:
    assert safetext.notes_html(note) == "<p># 标题</p>"


def test_indented_lines_before_any_list_are_paragraphs_each() -> None:
    assert safetext.notes_html("  first\n  second") == "<p>first</p>\n<p>second</p>"


def test_a_blank_line_ends_a_list_so_indented_lines_after_it_are_paragraphs() -> None:
    assert safetext.notes_html("- a\n\n  b\n  c") == "<ul>\n<li>a</li>\n</ul>\n<p>b</p>\n<p>c</p>"


def test_rendered_notes_never_keep_a_blank_line_even_inside_code() -> None:
    """The notes are embedded in Markdown as one raw HTML block; a blank line would end the block."""
    assert safetext.notes_html("    a\n\n    b") == "<code>a\nb\n</code>"


# --- code spans and formulas ---------------------------------------------------------------------------------------


def test_a_code_span_that_ends_the_note_is_a_code_span() -> None:
    assert safetext.notes_html("`code`") == "<p><code>code</code></p>"


def test_backticks_on_different_lines_never_pair_into_a_code_span() -> None:
    assert safetext.notes_html("`a\n`b") == "<p>`a</p>\n<p>`b</p>"


def test_two_code_spans_on_one_line_are_two_code_spans() -> None:
    assert safetext.notes_html("`a` `b`") == "<p><code>a</code> <code>b</code></p>"


def test_a_code_span_right_after_a_formula_is_still_a_code_span() -> None:
    assert safetext.notes_html("$x$`c`") == (
        '<p><span class="pkb-math"><math display="inline"><mrow><mi>x</mi></mrow></math></span><code>c</code></p>'
    )


@pytest.mark.parametrize("code", ["$x$", "[a]"])
def test_a_code_span_shows_dollars_and_brackets_as_typed(code: str) -> None:
    """Code is taken out before formulas and escapes are looked for: `$x$` inside backticks is code, not a formula."""
    assert safetext.notes_html(f"`{code}`") == f"<p><code>{code}</code></p>"


def test_an_indented_code_block_shows_ampersands_and_angle_brackets_once_escaped() -> None:
    """Python-Markdown escapes `&` again inside its own code blocks; the text must read as typed, not `&amp;amp;`."""
    assert safetext.notes_html("    a & b <c>") == "<code>a &amp; b &lt;c&gt;\n</code>"


def test_a_backtick_run_without_its_closing_run_is_shown_as_typed() -> None:
    assert safetext.notes_html("a `` b") == "<p>a `` b</p>"


def test_a_formula_that_cannot_be_converted_is_shown_as_its_text() -> None:
    assert safetext.notes_html("$\\unknownmacro{x}$") == '<p><span class="pkb-math">\\unknownmacro{x}</span></p>'


@pytest.mark.parametrize("note", ["[a](b)", "[a] [b] [c]"])
def test_brackets_are_shown_as_typed_and_never_make_a_link(note: str) -> None:
    assert safetext.notes_html(note) == f"<p>{note}</p>"


def test_windows_line_ends_split_lines_like_unix_ones() -> None:
    assert safetext.notes_html("a\r\nb") == "<p>a</p>\n<p>b</p>"
    # A lone `-` is no list item; with the `\r` left on, `-\r` would read as one and swallow the next line.
    assert safetext.notes_html("-\r\n  b") == "<p>-</p>\n<p>b</p>"


def test_a_formula_with_many_primes_is_still_a_formula() -> None:
    """Quotes stay characters before the formula's 300-character bound is counted: `'` is one, not six (`&#x27;`)."""
    assert safetext.notes_html("$" + "f'" * 60 + "$").startswith('<p><span class="pkb-math"><math display="inline">')


def test_typed_placeholder_characters_are_shown_and_never_replaced_by_a_formula() -> None:
    """The scan marks its code spans and formulas with private-use characters; typed ones must stay text."""
    assert safetext.notes_html("\ue000 \ue001") == "<p>\ue000 \ue001</p>"
    assert safetext.notes_html("x \ue0000\ue001 $y$") == (
        '<p>x \ue0000\ue001 <span class="pkb-math"><math display="inline"><mrow><mi>y</mi></mrow></math></span></p>'
    )


# --- the inline scan is linear ---------------------------------------------------------------------------------------


def _builtin_calls(fn: Callable[[], object]) -> int:
    """How many built-in calls `fn` makes: a count of work done that, unlike a timing, does not depend on the load."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event == "c_call":
            count += 1

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return count


def test_the_inline_scan_does_work_proportional_to_the_number_of_brackets() -> None:
    """Each token is looked at once: doubling the brackets at most doubles the work (a rescan from the start squares it)."""
    small = _builtin_calls(lambda: safetext._inline_spans("[" * 1000))
    large = _builtin_calls(lambda: safetext._inline_spans("[" * 2000))
    assert large < 2.5 * small
