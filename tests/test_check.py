"""`paperkb check` end to end: the toy knowledge base, one broken file per rule, and hostile inputs made on the fly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, golden

from paperkb import cli

INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
EXPECTED = FIXTURES / "invalid" / "expected.txt"


def run(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = cli.main(["--root", str(root), "check", *args])
    out = capsys.readouterr()
    return code, [line for line in (out.out + out.err).splitlines() if line]


def test_toy_kb_is_valid(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(toy, capsys=capsys)
    assert code == 0
    assert lines == ["0 error(s), 0 warning(s) in 9 file(s)"]


def test_repository_records_pass_the_check(capsys: pytest.CaptureFixture[str]) -> None:
    """The pull-request gate: the real papers/ and topics/ must be clean."""
    code, lines = run(ROOT, capsys=capsys)
    assert code == 0, "\n".join(lines)


def _expected() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        name, _, rest = line.partition(" | ")
        groups.setdefault(name, []).append(rest)
    return groups


def test_every_invalid_fixture_gets_its_exact_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str], update_golden: bool) -> None:
    """Each file under fixtures/invalid/, dropped into the toy knowledge base, yields exactly the recorded problems."""
    out = []
    for fixture in INVALID:
        root = tmp_path / fixture.stem
        shutil.copytree(FIXTURES / "kb", root)
        shutil.copy(fixture, root / "papers" / fixture.name)
        code, lines = run(root, capsys=capsys)
        problems = [line for line in lines if not line.endswith("file(s)")]
        assert problems, f"{fixture.name} produced no problem"
        assert "Traceback" not in "\n".join(lines)
        only_warnings = all(": warning: " in p for p in problems)
        assert code == (0 if only_warnings else 1), fixture.name
        out += [f"{fixture.name} | {p}" for p in problems]
    golden(EXPECTED, "\n".join(out) + "\n", update_golden)


def test_every_invalid_fixture_is_in_the_golden_file() -> None:
    assert sorted(_expected()) == [f.name for f in INVALID]


def _paper(name: str, **extra: str) -> str:
    lines = [
        f"id: {name}",
        'title: "A Paper"',
        "short_name: P",
        'arxiv: "2106.01234"',
        "year: 2021",
        "topics: [peft]",
        "tldr: 测试。",
        "notes:",
        "  motivation: 动机。",
        "  method: 方法。",
        "  results: 结果。",
        'added: "2026-11-24"',
    ]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


HOSTILE: dict[str, tuple[bytes, str]] = {
    "utf16": (_paper("utf16").encode("utf-16"), "1:1: (file): file looks like UTF-16; records must be UTF-8"),
    "latin1": (_paper("latin1").encode().replace(b"A Paper", b"Caf\xe9"), "2:1: (file): file is not valid UTF-8"),
    "huge": (_paper("huge").encode() + b"# " + b"x" * (1024 * 1024) + b"\n", "1:1: (file): file is 1,048,"),
    "deep": (b"id: deep\nx: " + b"[" * 5000 + b"]" * 5000 + b"\n", "(file): nesting is too deep"),
    "bomb": (
        b"a: &a [x, x, x, x, x, x, x, x, x]\n"
        + b"".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n".encode()
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "1:4: (file): anchors (`&name`) are not allowed",
    ),
    "nul": (_paper("nul").replace("A Paper", "A\x00Paper").encode(), "(file): not valid YAML"),
    "control": (_paper("control").replace("A Paper", "A\\x07Paper").replace('"A', '"A').encode(), "title: contains invisible control"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_bytes_get_one_located_error(name: str, toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw, expected = HOSTILE[name]
    (toy / "papers" / f"{name}.yaml").write_bytes(raw)
    code, lines = run(toy, capsys=capsys)
    mine = [line for line in lines if line.startswith(f"papers/{name}.yaml:")]
    assert code == 1
    assert len(mine) == 1, lines
    assert expected in mine[0], mine[0]


def test_paths_limit_the_report(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (toy / "papers" / "broken.yaml").write_text(_paper("broken", venue="NIPS 2021"), encoding="utf-8")
    code, lines = run(toy, str(toy / "papers" / "lora.yaml"), capsys=capsys)
    assert code == 0 and not any("broken" in line for line in lines)
    code, lines = run(toy, str(toy / "papers" / "broken.yaml"), capsys=capsys)
    assert code == 1 and any(line.startswith("papers/broken.yaml:") for line in lines)


def test_github_and_json_formats(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (toy / "papers" / "broken.yaml").write_text(_paper("broken", venue="NIPS 2021"), encoding="utf-8")
    code, lines = run(toy, "--format", "github", capsys=capsys)
    assert code == 1
    assert "::error file=papers/broken.yaml,line=13,col=8::venue: write 'NeurIPS 2021': 'NIPS' is an alias of 'NeurIPS'" in lines
    cli.main(["--root", str(toy), "check", "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {
            "path": "papers/broken.yaml",
            "line": 13,
            "col": 8,
            "field": "venue",
            "severity": "error",
            "message": "write 'NeurIPS 2021': 'NIPS' is an alias of 'NeurIPS'",
        }
    ]


def test_github_format_cannot_be_broken_by_a_message(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (toy / "papers" / "inject.yaml").write_text(_paper("inject", venue='"X\\n::error::pwned 2021"'), encoding="utf-8")
    run(toy, "--format", "github", capsys=capsys)
    cli.main(["--root", str(toy), "check", "--format", "github"])
    out = capsys.readouterr().out
    assert all(line.startswith("::") for line in out.splitlines())
    assert "\n::error::pwned" not in out


def test_topic_cycle_and_unknown_parent(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    peft = toy / "topics" / "peft.yaml"
    peft.write_text(peft.read_text(encoding="utf-8").replace("order: 10", "parent: quantization\norder: 10"), encoding="utf-8")
    code, lines = run(toy, capsys=capsys)
    assert code == 1
    assert any("topics/peft.yaml:" in line and "cycle" in line for line in lines)


def test_case_clash_of_file_names(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(toy / "papers" / "lora.yaml", toy / "papers" / "LoRA.yaml")
    code, lines = run(toy, capsys=capsys)
    assert code == 1
    assert any(line.startswith("papers/LoRA.yaml:") and "(file): file names differ only in case" in line for line in lines)


def test_not_a_knowledge_base_is_a_message_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(tmp_path), "check"]) == 1
    assert capsys.readouterr().err.startswith("paperkb: error: no papers/ and topics/ folders")
