"""Turning contributed text into page content that can never become markup.

Records come from strangers, and the stack below us trusts its authors: Python-Markdown passes raw HTML through, turns
`[x](javascript:…)` into a link, and with `attr_list` turns `{: onclick=… }` into an attribute. So contributed text reaches a
page by one of exactly three roads, each closed for its context:

- `inline(text)`: one-line fields (titles, names, tl;dr) placed in Markdown. Whitespace is collapsed (no new block can
  start), HTML is escaped, and every character Python-Markdown treats specially is backslash-escaped.
- `html_text(text)`: fields placed inside raw HTML blocks (cards, metadata). HTML-escaped, whitespace collapsed.
- `notes_html(text)`: the notes, which may use light Markdown. Escaped first (so no raw HTML survives), rendered with plain
  Python-Markdown (no extensions), then cleaned by nh3 down to a small allow-list of tags with no attributes at all.
  Inline math `$…$` becomes a span with a fixed class holding MathML (mathml.py, itself allow-listed and checked again
  by nh3 here), or the formula as text when it cannot be converted safely.
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
_MATH = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]{1,300}?)(?<!\s)\$(?!\d)")
# A code span is matched first, so that `$x$` inside backticks stays code (Python-Markdown's own code-span rule).
_CODE_OR_MATH = re.compile(r"(?P<code>(?<!\\)(?P<ticks>`+).+?(?<!`)(?P=ticks)(?!`))|" + _MATH.pattern)
_CODE = re.compile(r"<code>(.*?)</code>", re.S)
_MATH_TOKEN = "\ue000{}\ue001"  # private-use placeholders: Markdown leaves them alone (it uses \x02/\x03 itself)

# One converter, reset per use: building a Markdown instance per note dominated rendering at 10,000 papers.
_MARKDOWN = markdown.Markdown(extensions=[], output_format="html")

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "code", "br", "span", "blockquote"}


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
            out.append(line)
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


def notes_html(text: str) -> Markup:
    """Light Markdown (paragraphs, lists, bold, italics, inline code, inline math) to sanitised HTML on few lines."""
    maths: list[str] = []

    def keep(match: re.Match[str]) -> str:
        if match["code"]:
            return match["code"]
        maths.append(match.group(match.re.groups))
        return _MATH_TOKEN.format(len(maths) - 1)

    source = html.escape(_blocks(text.replace("\r\n", "\n")), quote=False)
    # The placeholders are characters a contributor can type too; typed ones become character references first, or
    # "\ue0000\ue001" in a note would be replaced by the note's first formula (text silently duplicated and lost).
    source = source.replace("\ue000", "&#xe000;").replace("\ue001", "&#xe001;")
    source = _CODE_OR_MATH.sub(keep, source)
    rendered = _MARKDOWN.reset().convert(source)
    # Markdown escapes `&` inside code once more, and the text was escaped already: `<T>` would show as `&lt;T&gt;`.
    # Inside code every `&` is the start of an entity html.escape wrote, so one level is undone there.
    rendered = _CODE.sub(lambda m: "<code>" + m[1].replace("&amp;", "&") + "</code>", rendered)
    for i, expr in enumerate(maths):
        rendered = rendered.replace(_MATH_TOKEN.format(i), f'<span class="pkb-math">{mathml.to_mathml(html.unescape(expr)) or expr}</span>')
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS | mathml.MATHML_TAGS,
        attributes={"span": {"class"}, **{tag: set(mathml.MATHML_ATTRIBUTES) for tag in mathml.MATHML_TAGS}},
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )
    clean = re.sub(r'<span class="(?!pkb-math")[^"]*">', "<span>", clean)
    # No blank line may remain: the block is embedded in Markdown as raw HTML and must stay one block.
    return Markup(re.sub(r"\n\s*\n", "\n", clean).strip())
