"""The index terms that give Chinese search substring recall (see searchterms.py)."""

from __future__ import annotations

from paperkb.searchterms import cjk_bigrams, pair_token


def test_pairs_are_ascii_tokens_in_first_seen_order() -> None:
    assert pair_token("注意") == "k6ce8610f"
    assert cjk_bigrams(["注意力", "低秩 LoRA 注意"]) == "k6ce8610f k610f529b k4f4e79e9"


def test_single_characters_and_latin_text_add_nothing() -> None:
    assert cjk_bigrams(["秩", "LoRA rank 4", ""]) == ""


def test_runs_break_at_punctuation() -> None:
    assert cjk_bigrams(["思维链。推理"]) == " ".join(pair_token(p) for p in ("思维", "维链", "推理"))
