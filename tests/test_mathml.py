"""Formulas in notes become MathML at build time, safely: allow-listed, text escaped, bounded time, text on failure."""

from __future__ import annotations

import html
import re
import time
import xml.etree.ElementTree as ET

import pytest

from paperkb import mathml, safetext


def test_formulas_of_the_notes_become_mathml() -> None:
    out = safetext.notes_html(r"更新量 $\Delta W = BA$，注意力 $\mathrm{softmax}(QK^\top/\sqrt{d_k})V$。")
    assert out.count("<math") == 2 and "\\" not in out
    assert "<mi>Δ</mi>" in out and "<msqrt>" in out and 'mathvariant="normal"' in out


@pytest.mark.parametrize(
    "tex",
    [
        r"\href{javascript:alert(1)}{x}",
        r"\text{<script>alert(1)</script>}",
        r"\text{</mtext></math><img src=x onerror=alert(1)>}",
        r"\color{red}{x}",
        r"\unknowncommand x",
        r"x^{",
        "{" * 150,
        r"\frac" * 60,
    ],
)
def test_unsafe_or_broken_formulas_stay_text(tex: str) -> None:
    assert mathml.to_mathml(tex) is None
    out = safetext.notes_html(f"前 ${tex}$ 后")
    elements = re.findall(r"<([a-z]+)([^>]*)>", out)
    assert elements == [("p", ""), ("span", ' class="pkb-math"')], elements  # the formula is text, nothing else
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == f"前 {tex} 后"


def test_output_holds_only_allowed_elements_and_attributes() -> None:
    samples = [
        r"\sum_{i=1}^{n} x_i^2",
        r"\begin{matrix}a&b\\c&d\end{matrix}",
        r"\hat{y} \leq \overline{x}",
        r"a<b",
        r"\mathbb{R}^{d\times k}",
    ]
    for tex in samples:
        out = mathml.to_mathml(tex)
        assert out, tex
        for node in ET.fromstring(out).iter():
            assert node.tag in mathml.MATHML_TAGS, (tex, node.tag)
            assert set(node.attrib) <= mathml.MATHML_ATTRIBUTES, (tex, node.attrib)
        assert mathml.to_mathml(r"a<b") and "&lt;" in (mathml.to_mathml("a<b") or "")


def test_conversion_time_is_bounded_per_formula() -> None:
    nasty = [r"\frac{" * 40 + "x" + "}{y}" * 40, "{" * 140 + "x" + "}" * 140, "x_" * 140, r"\sqrt{" * 90 + "x" + "}" * 90]
    start = time.perf_counter()
    for tex in nasty:
        mathml.to_mathml.__wrapped__(tex)
    assert time.perf_counter() - start < 5


def test_the_notes_stay_one_html_block() -> None:
    out = str(safetext.notes_html("第一行 $x^2$\n\n- 列表 $y_1$"))
    assert not re.search(r"\n\s*\n", out)
