"""Turning contributed text into page content that can never become markup.

Records come from strangers, and the stack below us trusts its authors: Python-Markdown passes raw HTML through, turns
`[x](javascript:…)` into a link, and with `attr_list` turns `{: onclick=… }` into an attribute. So contributed text reaches a
page by one of exactly three roads, each closed for its context:

- `inline(text)`: one-line fields (titles, names, tl;dr) placed in Markdown. Whitespace is collapsed (no new block can
  start), HTML is escaped, and every character Python-Markdown treats specially is backslash-escaped.
- `html_text(text)`: fields placed inside raw HTML blocks (cards, metadata). HTML-escaped, whitespace collapsed.
- `notes_html(text)`: the notes, which may use light Markdown. Escaped first (so no raw HTML survives), rendered with plain
  Python-Markdown (no extensions), then cleaned by nh3 down to a small allow-list of tags with no attributes at all.
  Code spans and inline math `$…$` are taken out before Markdown runs (math becomes a span with a fixed class holding
  MathML from mathml.py, itself allow-listed and checked again by nh3 here, or the formula as text when it cannot be
  converted safely);
  brackets and stray backticks are escaped, so no link ever forms; lists nest at most four levels.

Every function here is linear in the length of its text (tests/test_hostile_linear.py).
Links are never taken from text; they are built from validated identifiers (see identifiers.py).
"""

from __future__ import annotations

import html
import re

import markdown
import nh3
from markupsafe import Markup

from paperkb import mathml

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")  # Python-Markdown's escapable characters, plus tables' pipe
_SPACE = re.compile(r"\s+")
# Inline math: a bounded match (at most 300 characters between the dollars), tried only where a `$` is.
_MATH = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]{1,300}?)(?<!\s)\$(?!\d)")
# What the inline scan stops at: a backslash escape Python-Markdown knows, a run of backticks, a dollar, a bracket, a
# line break. Every other character is copied as it is.
_INLINE_TOKEN = re.compile(r"\\[\\`*_{}\[\]()#+\-.!]|`+|[$\[\]\n]")
_SPAN_TOKEN = "\ue000{}\ue001"  # private-use placeholders: Markdown leaves them alone (it uses \x02/\x03 itself)
_SPAN_BACK = re.compile("\ue000([0-9]+)\ue001")
_CODE = re.compile(r"<code>(.*?)</code>", re.S)

# One converter, reset per use: building a Markdown instance per note dominated rendering at 10,000 papers.
_MARKDOWN = markdown.Markdown(extensions=[], output_format="html")

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "code", "br", "span", "blockquote"}
# What nh3 keeps of a rendered note: those tags, and the MathML that mathml.py builds from formulas.
CLEAN_TAGS = ALLOWED_TAGS | mathml.MATHML_TAGS
CLEAN_ATTRIBUTES = {"span": {"class"}, **{tag: set(mathml.MATHML_ATTRIBUTES) for tag in mathml.MATHML_TAGS}}


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def html_text(text: str) -> Markup:
    """Text for an HTML context: escaped, on one line."""
    return Markup(html.escape(collapse(text), quote=True))


def inline(text: str) -> Markup:
    """Text for a Markdown context: escaped for HTML, then every Markdown-special character backslash-escaped."""
    escaped = html.escape(collapse(text), quote=True)
    # html.escape produced entities like &amp; and &#x27; — escape around them, not inside them.
    parts = re.split(r"(&(?:[a-z]+|#x?[0-9a-f]+);)", escaped)
    out = "".join(part if part.startswith("&") and part.endswith(";") else _MD_SPECIAL.sub(r"\\\1", part) for part in parts)
    return Markup(out)


_LIST_ITEM = re.compile(r"\s*(?:[-*+]|\d{1,3}[.)])\s")
_MARKER = re.compile(r"(?:[-*+]|[0-9]{1,9}[.)])(?=[ \t])")
# A list nests at most four levels: one per line (a second marker on the same line is shown as text) and three more by
# indentation (Python-Markdown nests by four columns). Without a cap, `"- " * 500` or `"1. " * 500` in a note made
# Python-Markdown recurse once per marker and die with RecursionError in the middle of a build.
MAX_LIST_INDENT = 12


def _cap_nesting(line: str) -> str:
    rest = line.lstrip(" \t")
    indent = line[: len(line) - len(rest)]
    if len(indent.expandtabs(4)) > MAX_LIST_INDENT:
        indent = " " * MAX_LIST_INDENT
    first = _MARKER.match(rest)
    if first:
        gap = len(rest) - len(rest[first.end() :].lstrip(" \t"))
        second = _MARKER.match(rest, gap)
        if second:
            mark = second.group()
            escaped = "\\" + mark if mark[0] in "-*+" else mark[:-1] + "\\" + mark[-1]
            rest = rest[:gap] + escaped + rest[second.end() :]
    return indent + rest


def _blocks(text: str) -> str:
    """Give each line its own paragraph and each run of list items its own list, as people writing Chinese notes expect.

    Python-Markdown wants a blank line before a list and joins consecutive lines into one paragraph; notes are written
    line by line, so a line is a paragraph and a list starts wherever a line starts with `- ` or `1. `.
    """
    out: list[str] = []
    in_list = False
    for line in text.split("\n"):
        item = bool(_LIST_ITEM.match(line))
        continuation = in_list and line.startswith(("  ", "\t")) and line.strip() != ""
        if not line.strip():
            in_list = False
            out.append("")
        elif item or continuation:
            if not in_list and out and out[-1] != "":
                out.append("")
            in_list = True
            out.append(_cap_nesting(line))
        else:
            if out and out[-1] != "":
                out.append("")
            in_list = False
            # Headings are not part of light Markdown: a leading `#` stays a character.
            out.append("\\" + line.lstrip() if line.lstrip().startswith("#") else line)
    return "\n".join(out)


def tldr_html(text: str) -> Markup:
    """A one-line field with the notes' inline formatting (bold, code, math) but no blocks."""
    rendered = str(notes_html(collapse(text)))
    return Markup(rendered.removeprefix("<p>").removesuffix("</p>")) if rendered.count("<p>") == 1 else html_text(text)


def _inline_spans(source: str) -> tuple[str, list[str]]:
    """Take code spans and inline math out of (escaped) Markdown source before Python-Markdown sees it; one linear scan.

    A code span is a run of backticks and the next run of the same length on the same line (CommonMark's rule); a run
    without one is shown as backticks. Spans and formulas become placeholders for HTML written here; every other
    backtick and every bracket is backslash-escaped, so Python-Markdown's own code-span and link patterns, which
    backtrack over such runs (a note of 2,000 backticks took 17 s, 8,000 brackets 7 s), never run. Links are never
    wanted: nh3 would drop the element anyway, and now `[x](y)` shows as typed.
    """
    tokens = list(_INLINE_TOKEN.finditer(source))
    # For each backtick run, the index of the next run of the same length on the same line (scanning backwards).
    closer: dict[int, int] = {}
    following: dict[int, int] = {}
    for i in range(len(tokens) - 1, -1, -1):
        text = tokens[i].group()
        if text == "\n":
            following = {}
        elif text[0] == "`":
            if len(text) in following:
                closer[i] = following[len(text)]
            following[len(text)] = i
    out: list[str] = []
    spans: list[str] = []
    pos = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.start() < pos:  # inside a formula taken out already
            i += 1
            continue
        out.append(source[pos : token.start()])
        text = token.group()
        pos = token.end()
        if text[0] == "`":
            if i in closer:
                end = tokens[closer[i]]
                spans.append("<code>" + source[token.end() : end.start()].strip() + "</code>")
                out.append(_SPAN_TOKEN.format(len(spans) - 1))
                pos = end.end()
                i = closer[i]
            else:
                out.append("\\`" * len(text))
        elif text == "$" and (math := _MATH.match(source, token.start())):
            spans.append(f'<span class="pkb-math">{mathml.to_mathml(html.unescape(math[1])) or math[1]}</span>')
            out.append(_SPAN_TOKEN.format(len(spans) - 1))
            pos = math.end()
        elif text in "[]":
            out.append("\\" + text)
        else:
            out.append(text)
        i += 1
    out.append(source[pos:])
    return "".join(out), spans


def notes_html(text: str) -> Markup:
    """Light Markdown (paragraphs, lists, bold, italics, inline code, inline math) to sanitised HTML on few lines.

    Linear in the length of the text: every step is a single scan (no regular expression here or in the Markdown
    patterns that still run can backtrack over a run of one character), and lists nest at most four levels deep.
    """
    source = html.escape(_blocks(text.replace("\r\n", "\n")), quote=False)
    # The placeholders are characters a contributor can type too; typed ones become character references first, or
    # "\ue0000\ue001" in a note would be replaced by the note's first formula (text silently duplicated and lost).
    source = source.replace("\ue000", "&#xe000;").replace("\ue001", "&#xe001;")
    # Code and formulas keep the text as escaped above: Markdown never sees (and never re-escapes) what is inside them.
    source, spans = _inline_spans(source)
    rendered = _MARKDOWN.reset().convert(source)
    # An indented code block is Markdown's own and escapes `&` once more: inside it every `&` starts an entity that
    # html.escape wrote, so one level is undone there (before our own code spans go back in).
    rendered = _CODE.sub(lambda m: "<code>" + m[1].replace("&amp;", "&") + "</code>", rendered)
    rendered = _SPAN_BACK.sub(lambda m: spans[int(m[1])], rendered)
    clean = nh3.clean(
        rendered,
        tags=CLEAN_TAGS,
        attributes=CLEAN_ATTRIBUTES,
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )
    clean = re.sub(r'<span class="(?!pkb-math")[^"]*">', "<span>", clean)
    # No blank line may remain: the block is embedded in Markdown as raw HTML and must stay one block.
    return Markup(re.sub(r"\n\s*\n", "\n", clean).strip())
