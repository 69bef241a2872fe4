"""Shared by the citation tests: the toy knowledge base as a value, and hostile papers made from a real one."""

from __future__ import annotations

from conftest import FIXTURES, TOY

from paperkb.kb import KnowledgeBase
from paperkb.models import Paper
from paperkb.repository import load_kb

HOSTILE_TITLES = [
    "Nice}, author = {Mallory",
    "\\input{/etc/passwd} and \\include{x}",
    "@misc{evil, title = {pwned}}",
    "% & # _ ~ ^ $ \\ { } < > |",
    "Unbalanced {{{ braces",
    "Closing }}} first",
    "$x^2$ -- math---and ``quotes'' ?` !` ,,",
    "GPT-4, LoRA, QLoRA, BERT and T5: Capitals in TITLES",
    "Œuvre complète: Łódź, Zürich, São Paulo, Ærø, Straße",
    "中文标题：大模型 α β ∑ 🚀",
    "Title with the word and in it and others",
]

HOSTILE_AUTHORS = [
    "Łukasz Kaiser",
    "Jürgen Schmidhuber",
    "Ludwig van Beethoven",
    "Martin Luther King Jr.",
    "Martin Luther King, Jr.",
    "Smith, Jr.",
    "Jean-Baptiste de la Fontaine",
    "Nice}, author = {Mallory",
    "Tom and Jerry",
    "others",
    "\\input{x} Smith",
    "Ana María {García} Márquez",
    "王小明",
    "% & # _ ~ ^ $ Percent",
]


CITE = FIXTURES / "cite"


def toy_kb() -> KnowledgeBase:
    kb, problems = load_kb(TOY)
    assert kb is not None, problems
    return kb


def cite_kb() -> KnowledgeBase:
    """One paper of each kind the exporters render: ACL Anthology (NAACL), TACL article, NeurIPS, PMLR, ICLR, arXiv-only
    team report with a primary class, and a web-only report; the registry holds the editions they need."""
    kb, problems = load_kb(CITE)
    assert kb is not None and not [p for p in problems if p.severity == "error"], problems
    return kb


def hostile_papers(kb: KnowledgeBase) -> list[Paper]:
    """Copies of LoRA with each hostile title, plus one carrying every hostile author; ids `hostile-<n>`."""
    lora = kb.paper_by_id["lora"]
    out = [lora.model_copy(update={"id": f"hostile-{n:02d}", "title": title}) for n, title in enumerate(HOSTILE_TITLES)]
    out.append(
        lora.model_copy(
            update={"id": "hostile-authors", "title": "Names", "authors": HOSTILE_AUTHORS, "venue": None, "arxiv": "2401.00001"}
        )
    )
    return out


def balanced(text: str) -> bool:
    """Braces nest and close, counted as BibTeX counts them (a backslash does not escape a brace)."""
    depth = 0
    for ch in text:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0
