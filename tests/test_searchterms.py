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


def test_a_query_drops_a_common_pair_only_where_its_neighbours_hold_both_characters() -> None:
    from paperkb.searchterms import common_pairs, pair_counts, pair_token, query_pairs

    # 维链 and 推理 are common; 维链 sits between kept pairs (思维, 链推) and goes; 推理 ends the run and stays.
    assert query_pairs("思维链推理", "推理维链") == [pair_token(p) for p in ("思维", "链推", "推理")]
    # Every pair common: nothing uncommon would remain to hold the phrase, so all stay.
    assert query_pairs("思维链推理", "思维维链链推推理") == [pair_token(p) for p in ("思维", "维链", "链推", "推理")]
    # Two common pairs side by side: the more common one goes first, then its neighbour may not (its left is gone).
    assert query_pairs("大模型训练", "模型型训") == [pair_token(p) for p in ("大模", "型训", "训练")]
    assert query_pairs("大模型训练", "型训模型") == [pair_token(p) for p in ("大模", "模型", "训练")]
    assert query_pairs("注意力", "意力") == [pair_token(p) for p in ("注意", "意力")]  # three characters: nothing to drop
    assert query_pairs("思维链推理", "") == [pair_token(p) for p in ("思维", "维链", "链推", "推理")]
    counts = pair_counts([["模型很好", "模型"], ["大模型"], ["推理"]] * 20)
    assert counts["模型"] == 40 and counts["大模"] == 20 and counts["推理"] == 20
    assert common_pairs(counts, 60) == "模型型很大模很好推理"  # > 25 % of 60 papers, most common first, ties by code point
    assert common_pairs(counts, 49) == ""  # too few papers for shares to mean anything
