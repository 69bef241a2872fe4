"""Suggestions ("did you mean …?"): the listed value a mistyped one most likely meant.

A message that lists 35 topic ids leaves the contributor to find `peft` in it; one that says "did you mean 'peft'?" is
the fix. Used for keys, topics, tags, institutions and venue series. Pure, and bounded: a value longer than any name a
vocabulary holds gets no suggestion rather than a quadratic comparison.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from paperkb.names import ascii_fold

MAX_LEN = 120  # difflib compares in O(n·m); no vocabulary entry is longer than this
CUTOFF = 0.6


def fold(text: str) -> str:
    """Case, accents, spacing and punctuation dropped: 'Google-DeepMind', 'google deepmind' → 'googledeepmind'."""
    return ascii_fold(text) if len(text) <= 4 * MAX_LEN else ""


def same_letters(value: str, choices: Iterable[str]) -> str | None:
    """The choice spelled with the same letters and digits as `value` up to case and punctuation ('Neurips' → 'NeurIPS')."""
    key = fold(value)
    if not key:
        return None
    return next((c for c in choices if fold(c) == key), None)


def closest(value: str, choices: Iterable[str], cutoff: float = CUTOFF) -> str | None:
    """The choice `value` most likely meant: same letters first, else the nearest spelling (difflib), else None."""
    options = sorted(set(choices))
    if not value or len(value) > MAX_LEN:
        return None
    exact = same_letters(value, options)
    if exact is not None:
        return exact
    by_lower: dict[str, str] = {}
    for option in options:
        by_lower.setdefault(option.casefold(), option)
    near = difflib.get_close_matches(value.casefold(), list(by_lower), n=1, cutoff=cutoff)
    return by_lower[near[0]] if near else None


def did_you_mean(value: str, choices: Iterable[str], quote: str = "'") -> str:
    """A clause `did you mean 'x'?` (with a leading space) when a near match exists, else an empty string."""
    match = closest(value, choices)
    return f" did you mean {quote}{match}{quote}?" if match is not None and match != value else ""
