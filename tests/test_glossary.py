"""The zh↔en glossary: its checks (located messages that name the remedy) and the matcher that puts concepts on pages."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import ROOT

from paperkb import glossary, models, searchterms
from paperkb.repository import load_files, load_kb


def _problems(toy: Path, text: str) -> list[str]:
    (toy / "registry" / "glossary.yaml").write_text(text, encoding="utf-8")
    _, problems = load_files(toy)
    return [p.as_text() for p in problems if p.path == "registry/glossary.yaml"]


def test_the_real_glossary_is_valid_and_every_term_is_found() -> None:
    kb, problems = load_kb(ROOT)
    assert kb is not None and not [p for p in problems if "glossary" in p.path]
    assert len(kb.glossary) >= 40
    matcher = glossary.Matcher(glossary.concepts(kb.glossary, kb.institutions))
    for entry in kb.glossary:
        for term in (*entry.zh, *entry.en):
            assert f"g:{entry.id}" in {c.key for c in matcher.find([f"前文 {term} 后文"])}, term


def test_glossary_rules_give_located_messages(toy: Path) -> None:
    text = (
        "terms:\n"
        "  - id: aa\n    zh: [指令微调, x]\n    en: [instruction tuning, 中文]\n"
        "  - id: aa\n    zh: [指令微调, 调]\n    en: [Tuning]\n"
    )
    found = _problems(toy, text)
    assert "registry/glossary.yaml:3:16: terms[0].zh[1]: 'x' must be Chinese characters only; put it under `en`" in found
    assert (
        "registry/glossary.yaml:4:30: terms[0].en[1]: '中文' must be English words (ASCII letters and digits) only; put it under `zh`"
        in found
    )
    assert "registry/glossary.yaml:5:9: terms[1].id: glossary id 'aa' is listed twice; keep one" in found
    assert any("terms[1].zh[1]: '调' is one character" in p for p in found)
    assert not any("terms[1].zh[0]" in p for p in found)  # same id listed twice: reported once, as the id
    assert len(found) == 4, found


def test_a_glossary_term_may_not_be_an_institution_or_another_concepts(toy: Path) -> None:
    found = _problems(toy, "terms:\n  - id: aa\n    zh: [低秩适配]\n    en: [LoRA]\n  - id: bb\n    zh: [低秩适配]\n    en: [Meta AI]\n")
    assert any("terms[1].zh[0]: '低秩适配' is also a term of 'aa'; one term, one concept" in p for p in found), found
    assert any("terms[1].en[0]: 'Meta AI' is an institution" in p for p in found), found


def test_matching_is_by_whole_words_in_english_and_substrings_in_chinese() -> None:
    entries = (models.GlossaryEntry(id="lora", zh=["低秩适配"], en=["LoRA", "low-rank adaptation"]),)
    inst = (models.Institution(name="Microsoft", name_zh="微软", aliases=["Microsoft Research"]),)
    m = glossary.Matcher(glossary.concepts(entries, inst))
    keys = lambda text: [c.key for c in m.find([text])]  # noqa: E731
    assert keys("Low-Rank Adaptation of LLMs") == ["g:lora"]
    assert keys("我们用低秩适配微调") == ["g:lora"]
    assert keys("allow rank adaptation") == [] and keys("floral") == []
    assert keys("微软研究院的 LoRA") == ["i:Microsoft", "g:lora"]
    assert keys("Microsoft Research") == ["i:Microsoft"]
    assert m.count(["LoRA, LoRA 与低秩适配"])["g:lora"][1] == 3


def test_matching_is_linear_in_the_text() -> None:
    kb, _ = load_kb(ROOT)
    assert kb is not None
    m = glossary.Matcher(glossary.concepts(kb.glossary, kb.institutions))
    sizes = {n: "注意力机制与 instruction tuning " * n for n in (2_000, 20_000)}
    times = {}
    for n, text in sizes.items():
        start = time.perf_counter()
        m.count([text])
        times[n] = time.perf_counter() - start
    assert times[20_000] < 30 * times[2_000] + 0.5, times  # ×10 text: about ×10 time, far from ×100


def test_tokens_are_stable_and_do_not_prefix_each_other() -> None:
    assert searchterms.identity_token("Transformer-XL") == searchterms.identity_token("transformer xl")
    assert searchterms.identity_token("GPT-3") == searchterms.identity_token("gpt3")
    assert searchterms.identity_token("--") is None
    a, b = searchterms.identity_token("Transformer"), searchterms.identity_token("Transformer-XL")
    assert a and b and not b.startswith(a) and not a.startswith(b)
    assert searchterms.identity_token("LoRA") == "lorazq" + searchterms.hash_hex("lora")


def test_a_defining_paper_must_be_a_record(toy: Path) -> None:
    text = "terms:\n  - id: aa\n    zh: [低秩适配]\n    en: [low-rank adaptation]\n    papers: [lora, lorra]\n"
    found = _problems(toy, text)
    assert found == ["registry/glossary.yaml:5:20: terms[0].papers[1]: unknown paper id 'lorra'; did you mean 'lora'?"], found


def test_a_defining_paper_carries_the_concept_token_with_its_identities(toy: Path) -> None:
    """A query for the concept then reaches the paper at identity weight, whatever its notes say."""
    from paperkb import citation, searchindex

    text = "terms:\n  - id: aa\n    zh: [低秩适配]\n    en: [low-rank adaptation]\n    papers: [lora]\n"
    (toy / "registry" / "glossary.yaml").write_text(text, encoding="utf-8")
    kb, problems = load_kb(toy)
    assert kb is not None and not problems
    token = searchterms.concept_token("g:aa", "low-rank adaptation")
    keys = citation.citation_keys(kb.papers)
    for paper in kb.papers:
        terms = searchindex.paper_terms(kb, paper, keys[paper.id])
        assert (token in terms.identity.split()) == (paper.id == "lora"), paper.id
    # ... and the token of its place in the entry's list, which the search page looks up to keep that order.
    lora = next(p for p in kb.papers if p.id == "lora")
    first = searchterms.defining_token("g:aa", "low-rank adaptation", 0)
    assert first in searchindex.paper_terms(kb, lora, keys["lora"]).identity.split()
    assert first != searchterms.defining_token("g:aa", "low-rank adaptation", 1) and first.startswith("lowranka")
    shards = glossary.client_shards(glossary.concepts(kb.glossary, ()), 4)
    rows = [(k, r) for k, rows in enumerate(shards) for r in rows if r[0] == "aa"]
    # Each term in the shard its hash names, with the token's head and the number of defining papers (the page makes
    # the tokens itself: tests/test_search.py holds the two equal).
    assert sorted(t for _, r in rows for t in (*r[1], *r[2])) == sorted(["低秩适配", "low rank adaptation"])
    assert all(r[4] == "lowranka" and r[5] == 1 for _, r in rows)
    assert all(glossary.shard_of(t, 4) == k for k, r in rows for t in (*r[1], *r[2]))
    assert glossary.shard_of("低秩适配", 4) == searchterms.fnv1a("低秩适配".encode()) % 4


def test_a_paper_named_by_a_concepts_term_is_asked_for_under_papers(toy: Path) -> None:
    text = "terms:\n  - id: aa\n    zh: [低秩适配]\n    en: [LoRA, low-rank adaptation]\n"
    found = _problems(toy, text)
    assert found == [
        "registry/glossary.yaml:2:9: terms[0].id: warning: paper 'lora' has a term of this concept as its short name;"
        " list it under `papers`, so that a query for the concept puts it first"
    ], found
    assert _problems(toy, text + "    papers: [lora]\n") == []
