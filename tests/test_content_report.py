"""bench/content_report.py: the shares it prints are the ones the note standard defines."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, TOY


def test_report_on_the_toy_knowledge_base() -> None:
    canon = ROOT / "registry" / "canon.yaml"
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "content_report.py"), "--root", str(TOY), "--canon", str(canon)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.startswith("3 paper records, 2 topics; first posted 2025–2026: 0")
    assert "limitations written:                        1/3 (33 %)" in out  # only the toy LoRA has 局限
    assert "results name a number or say there is none: 3/3 (100 %)" in out
    assert "        3  efficient-training" in out  # the toy GPT-2, LoRA and QLoRA are all filed under peft
