"""The shared vocabularies (topics, tags, institutions, venue series) and what to say when a record misuses one.

A record names topics, tags, institutions and venues only as the vocabularies spell them, so that indexes never split
one thing under two names. When a record's value is not listed, the message gives the fix: the listed spelling of the
same letters (`Neurips 2023` → `NeurIPS 2023`), an alias's canonical name, the nearest listed value ("did you mean"),
or, when a tag sits among the topics, where it belongs. Only when nothing close exists does a message mention the
registry, and then as a request to the maintainers: a contributor's pull request stays within papers/ and topics/
(the data-only gate), and a typo must never become a second registry entry. Pure: values in, messages out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from paperkb import hints, identifiers, models

ASK = "leave it out and ask for it in your pull request (a maintainer adds registry entries)"
_TRAILING_YEAR = re.compile(r"(?:(?<![0-9])(?P<long>(?:19|20)[0-9]{2})|(?<![0-9])(?P<short>[0-9]{2}))$")
_SEPARATORS = " \t'’‘-_,./()"


@dataclass
class Vocabulary:
    """What records may name; a registry that is missing or invalid is None (its own problems say why)."""

    topics: set[str] = field(default_factory=set)
    tags: set[str] | None = None
    institutions: set[str] | None = None
    institution_alias: dict[str, str] = field(default_factory=dict)
    venues: dict[str, models.Venue] | None = None
    venue_alias: dict[str, str] = field(default_factory=dict)

    def venue_names(self) -> dict[str, str]:
        """Every way registry/venues.yaml writes a series (name, alias, full name) → its canonical name."""
        out: dict[str, str] = {}
        for venue in (self.venues or {}).values():
            for name in (venue.name, *venue.aliases, venue.full):
                out.setdefault(name, venue.name)
        return out

    def institution_names(self) -> dict[str, str]:
        out = {name: name for name in self.institutions or ()}
        for alias, canonical in self.institution_alias.items():
            out.setdefault(alias, canonical)
        return out


def topic_problem(value: str, vocab: Vocabulary) -> str | None:
    """Why `value` cannot stand in `topics:`; None when it is a topic id."""
    if value in vocab.topics:
        return None
    if vocab.tags is not None and value in vocab.tags:
        return f"'{value}' is a tag, not a topic: move it to `tags:` and name a topic here (topic ids are the file names in topics/)"
    hint = hints.did_you_mean(value, vocab.topics)
    if hint:
        return f"unknown topic '{value}';{hint} (topic ids are the file names in topics/)"
    return f"unknown topic '{value}'; use one of: {', '.join(sorted(vocab.topics))}"


def tag_problem(value: str, vocab: Vocabulary) -> str | None:
    """Why `value` cannot stand in `tags:`; None when it is a listed tag (or the tag registry is unusable)."""
    if vocab.tags is None or value in vocab.tags:
        return None
    if value in vocab.topics:
        return f"'{value}' is a topic, not a tag: move it to `topics:`"
    hint = hints.did_you_mean(value, vocab.tags)
    if hint:
        return f"unknown tag '{value}';{hint} (tags are listed in registry/tags.yaml)"
    return f"unknown tag '{value}'; use a tag listed in registry/tags.yaml, or {ASK}"


def institution_problem(value: str, vocab: Vocabulary) -> str | None:
    """Why `value` cannot stand in `institutions:`; None when it is a canonical name."""
    if vocab.institutions is None or value in vocab.institutions:
        return None
    if value in vocab.institution_alias:
        canonical = vocab.institution_alias[value]
        return f"write '{canonical}': '{value}' is listed as another name of '{canonical}' in registry/institutions.yaml"
    names = vocab.institution_names()
    same = hints.same_letters(value, names)
    if same is not None:
        return f"write '{names[same]}', as registry/institutions.yaml spells it"
    near = hints.closest(value, names)
    if near is not None:
        return f"unknown institution '{value}'; did you mean '{names[near]}'? (names as in registry/institutions.yaml)"
    return f"unknown institution '{value}'; use its name as registry/institutions.yaml lists it, or {ASK}"


def loose_venue(text: str) -> tuple[str, int | None]:
    """A venue as people write it, split into series text and year: "NeurIPS'23" → ('NeurIPS', 2023); no year → None.

    Linear: one anchored search for the trailing year, then a strip of the separators before it.
    """
    match = _TRAILING_YEAR.search(text)
    if not match:
        return text.strip(), None
    year = int(match["long"]) if match["long"] else 2000 + int(match["short"])
    series = text[: match.start()].rstrip(_SEPARATORS)
    return (series, year) if series else (text.strip(), None)


def venue_problem(value: str, paper_year: int, vocab: Vocabulary) -> str | None:
    """Why `value` cannot stand in `venue:`; None when it is '<series> <year>' with a listed series."""
    if vocab.venues is None:
        return None
    parts = identifiers.split_venue(value)
    if parts and parts[0] in vocab.venues:
        if parts[1] < paper_year:
            return f"venue year {parts[1]} is before the paper's year {paper_year}; check both"
        return None
    if parts and parts[0] in vocab.venue_alias:
        canonical = vocab.venue_alias[parts[0]]
        return f"write '{canonical} {parts[1]}': '{parts[0]}' is an alias of '{canonical}'"
    series, year = loose_venue(value)
    names = vocab.venue_names()
    same = hints.same_letters(series, names)
    example_year = year or paper_year
    shape = "a venue is '<series> <year>' with the series as registry/venues.yaml spells it"
    if same is not None:
        canonical = names[same]
        if year is None:
            return f"add the year: '{canonical} {example_year}' (a venue is '<series> <year>')"
        return f"write '{canonical} {year}': {shape}"
    near = hints.closest(series, names)
    if near is not None:
        return f"unknown venue series '{series}'; did you mean '{names[near]} {example_year}'? ({shape})"
    if not parts:
        return f"must be '<series> <year>', e.g. 'NeurIPS {example_year}', with a series from registry/venues.yaml"
    return f"unknown venue series '{series}'; use a series listed in registry/venues.yaml, or {ASK}"
