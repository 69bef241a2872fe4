"""The note standard, as far as a program can hold a note to it (CONTRIBUTING.md, 怎样写笔记).

Two rules are mechanical enough to check, and both are warnings, because a reviewer, not a regex, decides whether a
note is good:

- `results` carries at least one number that is a result, or says plainly why it has none: the paper reports none
  ("论文未报告定量结果"), or the record could not verify them ("具体数字本条目未能核实"), which is better than a guess. Digits inside
  names do not count: "GPT-3", "Llama-2-13B", "CAsT-19", "7B", "16-bit", "1T token" and years name things, they do not
  measure them. So a note that only says "超过 GPT-3" is flagged, and "MMLU 63.4 → 68.9" or "25 个数据集中的 20 个" is not.
- Chinese prose uses Chinese quotation marks: an ASCII `"` outside inline code is almost always a pasted quote that
  reads wrong between Chinese characters.

Every function here is one left-to-right pass of regexes without nested repetition, so a long note costs linear time.
"""

from __future__ import annotations

import re

from paperkb.models import Paper

# Runs of ASCII letters, digits and joiners: the candidates for names. ASCII only, because `\w` would swallow the Chinese
# text around a name. One pass, no backtracking; each run is then judged on its own (`_drop_names`).
_RUN = re.compile(r"[A-Za-z0-9._\-]+")
_SIZE_OR_YEAR = re.compile(r"\d+(?:\.\d+)?[BMKT]|\d+-?bit|(?:19|20)\d\d")
# What is left that measures: any digit, or a Chinese numeral that counts a result (三倍, 两个百分点, 翻倍, 三分之一).
_MEASURE = re.compile(r"\d|[一二两三四五六七八九十百千万](?:倍|个百分点|成)|[几数]倍|翻倍|分之[一二三四五六七八九]")
# Saying why there are no numbers is an allowed answer: the paper reports none, or this record could not verify them.
# (`[^。\n]{0,12}` is bounded, so the pattern stays linear.)
_NO_NUMBERS = re.compile(r"未报告|没有报告|不报告|无定量|没有(?:给出)?定量|未能[^。\n]{0,12}(?:核实|核对)|[不未](?:逐项)?转[述录引]")
_INLINE_CODE = re.compile(r"`[^`\n]*`")

RESULTS_MESSAGE = (
    "names no result: give each headline claim as benchmark, baseline and number "
    "(e.g. 'GSM8K 准确率 56.8 → 74.4，对比 …'), or say why there is none ('论文未报告定量结果' / '具体数字本条目未能核实')"
)
QUOTE_MESSAGE = "uses ASCII double quotes in Chinese text; write Chinese quotation marks “…” instead"


def results_name_a_number(text: str) -> bool:
    """True when `text` holds a measured number, or says why it has none."""
    if _NO_NUMBERS.search(text):
        return True
    return bool(_MEASURE.search(_RUN.sub(_drop_names, text)))


def _drop_names(run: re.Match[str]) -> str:
    """A run whose digits name something becomes a space: a name starting with a letter ('GPT-3', 'CAsT-19'), a model
    or data size ('7B', '1T'), a bit width ('16-bit') or a year ('2023'). A measure with a unit ('48GB', '3x') stays."""
    token = run.group(0)
    return " " if token[0].isalpha() or _SIZE_OR_YEAR.fullmatch(token) else token


def has_ascii_quotes(text: str) -> bool:
    """True when an ASCII `"` appears outside inline code."""
    return '"' in _INLINE_CODE.sub("", text)


def note_problems(paper: Paper) -> list[tuple[tuple[str, ...], str]]:
    """(field path, message) for each way `paper`'s Chinese text falls short of the note standard."""
    out: list[tuple[tuple[str, ...], str]] = []
    if not results_name_a_number(paper.notes.results):
        out.append((("notes", "results"), RESULTS_MESSAGE))
    texts: dict[tuple[str, ...], str] = {("tldr",): paper.tldr}
    texts.update({("notes", k): v for k, v in paper.notes.model_dump().items() if v})
    for keys, text in texts.items():
        if has_ascii_quotes(text):
            out.append((keys, QUOTE_MESSAGE))
    return out
