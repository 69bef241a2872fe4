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


def test_cards_come_from_every_shard_and_an_id_two_shards_share_sends_the_page_to_its_fragment(tmp_path: Path) -> None:
    for bundle, name, url in [("pagefind", "zh_a1", "/papers/a/"), ("pagefind/shard/1", "zh_b2", "/papers/b/")]:
        (tmp_path / bundle / "fragment").mkdir(parents=True)
        (tmp_path / bundle / "fragment" / f"{name}.pf_fragment").write_bytes(_fragment({"url": url}))
    assert searchcards.write_cards(tmp_path, ["pagefind", "pagefind/shard/1"]) == 2
    cards = tmp_path / "search" / "cards"
    assert json.loads((cards / "zh_b2.json").read_text())["url"] == "/papers/b/"
    # Pagefind's short ids are unique within one shard only: two pages, one id, one card would show the wrong page.
    (tmp_path / "pagefind/shard/1/fragment/zh_a1.pf_fragment").write_bytes(_fragment({"url": "/papers/c/"}))
    assert searchcards.write_cards(tmp_path, ["pagefind", "pagefind/shard/1"]) == 1
    assert json.loads((cards / "zh_a1.json").read_text()) == {"shared": True}
    assert json.loads((cards / "zh_b2.json").read_text())["url"] == "/papers/b/"
