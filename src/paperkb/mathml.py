"""Inline formulas (`$…$` in notes) to MathML at build time: no math JavaScript, no CDN, readable in every browser.

latex2mathml (pure Python) converts; its output is then treated as untrusted, because the formula is a contributor's:
it copies `\\text{…}` verbatim (raw `<` and all) and turns `\\href{javascript:…}` into an attribute. So the output is
parsed as XML and rebuilt from an allow-list: known MathML presentation elements, a few presentational attributes
whose values are plain words, text re-escaped on the way out. Anything else (an element or attribute outside the
list, output that is not well-formed, a leftover `\\command`, a converter error) gives None, and the caller shows the
formula as text. safetext's nh3 pass, with the same allow-list, runs over the result again.

Cost: a formula is at most 300 characters (safetext's `$…$` pattern), and each distinct one is converted once.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET

from latex2mathml.converter import convert

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
MATHML_TAGS = frozenset(
    {
        "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot",
        "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "mfenced",
    }
)  # fmt: skip
# Presentational attributes only: no href, no style, no event handlers, no class or id a contributor could choose.
MATHML_ATTRIBUTES = frozenset(
    {
        "display", "mathvariant", "stretchy", "fence", "separator", "form", "lspace", "rspace", "minsize", "maxsize",
        "movablelimits", "accent", "accentunder", "displaystyle", "scriptlevel", "columnalign", "rowalign",
        "columnspacing", "rowspacing", "columnlines", "rowlines", "frame", "linethickness", "width", "height", "depth",
        "notation", "symmetric", "largeop", "open", "close", "separators", "mathsize",
    }
)  # fmt: skip
_VALUE = re.compile(r"[A-Za-z0-9 .%#+\-]{0,40}")
_COMMAND = re.compile(r"\\[A-Za-z]")


def _clean(node: ET.Element) -> ET.Element | None:
    tag = node.tag.removeprefix(f"{{{MATHML_NS}}}")
    if tag not in MATHML_TAGS:
        return None
    out = ET.Element(tag)
    for name, value in node.attrib.items():
        if name not in MATHML_ATTRIBUTES or not _VALUE.fullmatch(value):
            return None
        out.set(name, value)
    if node.text and _COMMAND.search(node.text):
        return None  # an unknown command the converter left as text
    out.text = node.text
    for child in node:
        clean = _clean(child)
        if clean is None:
            return None
        clean.tail = child.tail
        out.append(clean)
    return out


@functools.lru_cache(maxsize=20_000)
def to_mathml(tex: str) -> str | None:
    """`<math>` for one inline formula, or None when it cannot be converted safely (the caller shows the text)."""
    try:
        raw = convert(tex)
        tree = ET.fromstring(raw)
    except Exception:
        return None
    clean = _clean(tree)
    if clean is None or clean.tag != "math":
        return None
    clean.set("display", "inline")
    return ET.tostring(clean, encoding="unicode", short_empty_elements=False)
