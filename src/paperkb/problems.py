"""Problems are values: every check returns them, only the CLI prints them.

Keeping a problem a plain, sortable value lets `paperkb check` collect everything wrong with a pull request in one run
and print it in a stable order, instead of stopping at the first mistake.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# What a terminal or a CI log must never receive raw: controls (ESC starts a terminal sequence that can erase or rewrite
# lines, CR returns to the line's start), format characters (bidi overrides reorder what is shown), surrogates, and
# line and paragraph separators. Record values reach messages ("unknown topic '…'"), so every printed field passes here.
_UNSAFE = {"Cc", "Cf", "Cs", "Zl", "Zp"}


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """`text` with every unsafe character written as a Python-style escape (`\\x1b`, `\\r`, `\\u202e`), visible and inert."""
    if text.isprintable():  # one C loop; almost every message takes this path
        return text
    return "".join(_escape(ch) if unicodedata.category(ch) in _UNSAFE else ch for ch in text)


def json_safe(text: str) -> str:
    """JSON text with the same unsafe characters as `\\uXXXX` escapes: the same data, safe to print."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if unicodedata.category(ch) in _UNSAFE and ch != "\n":  # json.dumps writes newlines of the layout itself
            units = ch.encode("utf-16-be", "surrogatepass")
            out.append("".join(f"\\u{int.from_bytes(units[i : i + 2], 'big'):04x}" for i in range(0, len(units), 2)))
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file."""

    path: str
    line: int
    col: int
    field: str
    message: str
    severity: Severity = "error"

    def as_text(self) -> str:
        tag = "warning: " if self.severity == "warning" else ""
        field = printable(self.field) or "(file)"
        return f"{printable(self.path)}:{self.line}:{self.col}: {field}: {tag}{printable(self.message)}"


def count_errors(problems: list[Problem]) -> int:
    return sum(1 for p in problems if p.severity == "error")
