"""Result cards for the search page: one small JSON file per indexed page, named by Pagefind's id for that page.

A result card needs the page's URL and its meta (short name, title, year, venue, topics, tl;dr). Pagefind keeps those
in the page's *fragment*, next to the page's whole indexed text: the notes and the hidden search tokens, ~4.5 KB gzip a
paper. Ten fragments were 40–45 KB of a first search (bench/first_search.py), the largest part after Pagefind's own
runtime and metadata. The search page still ranks with Pagefind, then reads `search/cards/<id>.json` (~0.4 KB) instead
of the fragment, so the first search stays inside its budget as the collection grows (issue 12: ≤ 300 KB at 10,000).

The cards are derived from Pagefind's own output after indexing, so they say exactly what the fragments say; the
fragment format is checked, and a change to it (a new Pagefind release) fails the build with a message instead of
writing wrong cards.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

CARD_META = ("short", "title", "year", "venue", "topics", "tldr")
_MAGIC = b"pagefind_dcd"
_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


class CardError(ValueError):
    """Pagefind wrote a fragment this module does not understand."""


def read_fragment(compressed: bytes, name: str) -> dict[str, Any]:
    """The JSON of one `.pf_fragment` file (gzip, then Pagefind's marker, then JSON)."""
    try:
        raw = gzip.decompress(compressed)
    except (OSError, EOFError) as err:
        raise CardError(f"{name}: not gzip ({err})") from err
    if not raw.startswith(_MAGIC):
        raise CardError(f"{name}: no {_MAGIC.decode()} marker; Pagefind's fragment format has changed")
    try:
        data = json.loads(raw[len(_MAGIC) :])
    except ValueError as err:
        raise CardError(f"{name}: not JSON after the marker ({err})") from err
    if not isinstance(data, dict) or not isinstance(data.get("url"), str) or not isinstance(data.get("meta", {}), dict):
        raise CardError(f"{name}: no `url` string and `meta` object; Pagefind's fragment format has changed")
    return data


def card(fragment: dict[str, Any]) -> dict[str, Any]:
    """What a result card shows, and nothing else (the text and tokens stay in the fragment)."""
    meta = fragment.get("meta", {})
    return {"url": fragment["url"], "meta": {k: meta[k] for k in CARD_META if isinstance(meta.get(k), str)}}


def card_json(fragment: dict[str, Any]) -> bytes:
    return json.dumps(card(fragment), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


# The card of an id that two index shards gave to different pages: the search page then reads that result's own
# fragment, which Pagefind loads from the right shard.
SHARED = b'{"shared":true}'


def write_cards(site: Path, bundles: list[str] | None = None) -> int:
    """Write `search/cards/<id>.json` for every fragment Pagefind wrote into the site's search bundles (all shards:
    searchshards.py); returns how many pages have a card of their own.

    Pagefind's page ids are short hashes, unique within one index only: at 30,000 pages two shards can give the same
    id to two pages (about one such pair is expected there). Such an id gets the `SHARED` card instead."""
    out = site / "search" / "cards"
    out.mkdir(parents=True, exist_ok=True)
    cards: dict[str, bytes] = {}
    for bundle in bundles or ["pagefind"]:
        for path in sorted((site / bundle / "fragment").glob("*.pf_fragment")):
            if not _ID.match(path.stem):
                raise CardError(f"{path.name}: unexpected fragment name")
            card = card_json(read_fragment(path.read_bytes(), path.name))
            cards[path.stem] = SHARED if path.stem in cards and cards[path.stem] != card else card
    for name, card in cards.items():
        (out / f"{name}.json").write_bytes(card)
    return sum(card != SHARED for card in cards.values())
