"""Personal names as records hold them ("Ludwig van Beethoven"), split into the parts citation formats need.

Records write each author as one line in natural order, because that is how papers print them and how a contributor
copies them. BibTeX and CSL both want the family name apart from the given names (BibTeX to sort and abbreviate, CSL to
format), so the split happens here, once, for every exporter. The rule is BibTeX's own reading of "First von Last":

- a trailing generational suffix ("Jr.", "Sr.", "II" …, with or without a comma before it) is the suffix;
- the last remaining word is the family name, together with the lower-case words ("van", "de la") right before it;
- everything before that is the given name; a single word is a family name with no given name.

Multi-word family names that start with a capital ("García Márquez") cannot be told from a middle name; they come out as
given + family at the last word, the same guess BibTeX itself makes for "First Last" input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"})
_COMMA_SUFFIX = re.compile(r"^(?P<name>.*?),\s*(?P<suffix>[^,]+)$")

# Letters NFKD cannot take apart into an ASCII base plus accents.
_FOLD = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D"}
_FOLD |= {"þ": "th", "Þ": "Th", "ı": "i", "ð": "d", "Ð": "D"}


@dataclass(frozen=True)
class PersonName:
    """One author's name in parts; `particle` is the lower-case prefix of the family name ("van", "de la")."""

    given: str
    particle: str
    family: str
    suffix: str

    @property
    def full_family(self) -> str:
        """The family name as it is printed: particle included ("van Beethoven")."""
        return f"{self.particle} {self.family}" if self.particle else self.family


def _starts_lower(word: str) -> bool:
    first = next((ch for ch in word if ch.isalpha()), "")
    return bool(first) and first.islower()


def split_name(name: str) -> PersonName:
    """Split a natural-order name ("Martin Luther King Jr.") into given, particle, family and suffix."""
    text = " ".join(name.split())
    suffix = ""
    comma = _COMMA_SUFFIX.match(text)
    if comma and comma["suffix"].casefold() in SUFFIXES:
        text, suffix = comma["name"].strip(), comma["suffix"].strip()
    words = text.split()
    if not suffix and len(words) > 2 and words[-1].casefold() in SUFFIXES:
        suffix = words.pop()
    if not words:
        return PersonName("", "", suffix, "")
    family = words.pop()
    start = len(words)
    while start > 1 and _starts_lower(words[start - 1]):  # the first word is always a given name, never a particle
        start -= 1
    return PersonName(" ".join(words[:start]), " ".join(words[start:]), family, suffix)


def family_first_problem(name: str) -> str | None:
    """Why a name written "Li, Wei" (family name first) cannot be cited, or None for a natural-order name.

    Every exporter reads a record's names in natural order, so "Li, Wei" would be cited as given name "Li," and family
    name "Wei"; silently. A comma is only allowed before a generational suffix ("Martin Luther King, Jr.").
    """
    if "," not in name:
        return None
    comma = _COMMA_SUFFIX.match(" ".join(name.split()))
    if comma and "," not in comma["name"] and comma["suffix"].casefold() in SUFFIXES:
        return None
    return (
        f"'{name}' is written family name first; write the name as the paper prints it, given name first and "
        "without a comma (e.g. 'Wei Li'); a comma may only come before Jr., Sr., II, III, IV or V"
    )


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'Łukasz Kaiser' -> 'lukaszkaiser'. Used for citation keys."""
    out = []
    for ch in text:
        ch = _FOLD.get(ch, ch)
        for part in unicodedata.normalize("NFKD", ch):
            if part.isascii() and part.isalnum():
                out.append(part.lower())
    return "".join(out)
