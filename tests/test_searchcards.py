"""Search result cards: what Pagefind's fragment says about a page, minus its text, and a clear failure on a new format."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from paperkb import searchcards


def _fragment(data: object, magic: bytes = b"pagefind_dcd") -> bytes:
    return gzip.compress(magic + json.dumps(data, ensure_ascii=False).encode("utf-8"))


def test_a_card_keeps_the_url_and_the_cards_meta_and_drops_the_text(tmp_path: Path) -> None:
    frag = {
        "url": "/papers/lora/",
        "content": "全文 " * 500 + "k6ce8610f " * 300,
        "meta": {"short": "LoRA", "title": "LoRA: Low-Rank Adaptation", "year": "2021", "tldr": "低秩", "image": "x.png"},
        "filters": {"year": ["2021"]},
    }
    (tmp_path / "pagefind" / "fragment").mkdir(parents=True)
    (tmp_path / "pagefind" / "fragment" / "zh_abc1234.pf_fragment").write_bytes(_fragment(frag))
    assert searchcards.write_cards(tmp_path) == 1
    written = (tmp_path / "search" / "cards" / "zh_abc1234.json").read_bytes()
    assert json.loads(written) == {
        "url": "/papers/lora/",
        "meta": {"short": "LoRA", "title": "LoRA: Low-Rank Adaptation", "year": "2021", "tldr": "低秩"},
    }
    assert len(written) < 200  # the text and the tokens stay in the fragment
    searchcards.write_cards(tmp_path)
    assert (tmp_path / "search" / "cards" / "zh_abc1234.json").read_bytes() == written  # deterministic


@pytest.mark.parametrize(
    ("blob", "says"),
    [
        (b"not gzip", "not gzip"),
        (_fragment({"url": "/x/"}, magic=b"other"), "marker"),
        (gzip.compress(b"pagefind_dcd{broken"), "not JSON"),
        (_fragment({"meta": {}}), "no `url`"),
        (_fragment({"url": "/x/", "meta": []}), "no `url`"),
    ],
)
def test_a_fragment_in_another_format_is_refused_with_a_message(blob: bytes, says: str) -> None:
    with pytest.raises(searchcards.CardError, match=says):
        searchcards.read_fragment(blob, "zh_1.pf_fragment")


def test_an_unexpected_fragment_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pagefind" / "fragment").mkdir(parents=True)
    (tmp_path / "pagefind" / "fragment" / "a b.pf_fragment").write_bytes(_fragment({"url": "/x/"}))
    with pytest.raises(searchcards.CardError, match="unexpected fragment name"):
        searchcards.write_cards(tmp_path)
