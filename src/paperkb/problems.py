"""Problems are values: every check returns them, only the CLI prints them.

Keeping a problem a plain, sortable value lets `paperkb check` collect everything wrong with a pull request in one run
and print it in a stable order, instead of stopping at the first mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


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
        field = self.field or "(file)"
        return f"{self.path}:{self.line}:{self.col}: {field}: {tag}{self.message}"


def count_errors(problems: list[Problem]) -> int:
    return sum(1 for p in problems if p.severity == "error")
