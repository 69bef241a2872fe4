"""`paperkb check` end to end: the toy knowledge base, one broken file per rule, and hostile inputs made on the fly."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, golden

from paperkb import cli

INVALID_DIR = FIXTURES / "invalid"
# A paper record each (`name.yaml`, or `name.yml` for the extension rule), dropped into the toy knowledge base's papers/.
INVALID = sorted(p for p in INVALID_DIR.iterdir() if p.suffix in {".yaml", ".yml"})
# Folders overlaid on the toy knowledge base, for rules about topics, registries and files: each file is copied to its
# path; `<path>.delete` removes <path>; `<path>.copy` copies the file it names there; `<path>.symlink` links <path> to
# the target it names.
CASES = sorted(p for p in (INVALID_DIR / "cases").iterdir() if p.is_dir())
EXPECTED = INVALID_DIR / "expected.txt"
SUMMARY = re.compile(r"[0-9,]+ errors?, [0-9,]+ warnings? in [0-9,]+ files?( \(|$)")


def overlay(case: Path, root: Path) -> None:
    for source in sorted(p for p in case.rglob("*") if p.is_file()):
        rel = source.relative_to(case)
        target = root / rel.with_suffix("") if rel.suffix in {".delete", ".copy", ".symlink"} else root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.suffix == ".delete":
            shutil.rmtree(target) if target.is_dir() and not target.is_symlink() else target.unlink()
        elif rel.suffix == ".copy":
            shutil.copy(root / source.read_text(encoding="utf-8").strip(), target)
        elif rel.suffix == ".symlink":
            target.symlink_to(source.read_text(encoding="utf-8").strip())
        else:
            shutil.copy(source, target)


def run(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = cli.main(["--root", str(root), "check", *args])
    out = capsys.readouterr()
    return code, [line for line in (out.out + out.err).splitlines() if line]


def test_toy_kb_is_valid(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(toy, capsys=capsys)
    assert code == 0
    assert lines == ["0 errors, 0 warnings in 9 files"]


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
    """Each file under fixtures/invalid/, dropped into the toy knowledge base, and each overlay under invalid/cases/,
    yields exactly the recorded problems."""
    out = []
    for fixture in [*INVALID, *CASES]:
        root = tmp_path / fixture.name
        shutil.copytree(FIXTURES / "kb", root)
        if fixture.is_dir():
            overlay(fixture, root)
            name = f"cases/{fixture.name}"
        else:
            shutil.copy(fixture, root / "papers" / fixture.name)
            name = fixture.name
        code, lines = run(root, capsys=capsys)
        problems = [line for line in lines if not SUMMARY.match(line)]
        assert problems, f"{name} produced no problem"
        assert "Traceback" not in "\n".join(lines)
        only_warnings = all(": warning: " in p for p in problems)
        assert code == (0 if only_warnings else 1), name
        out += [f"{name} | {p}" for p in problems]
    golden(EXPECTED, "\n".join(out) + "\n", update_golden)


def test_every_invalid_fixture_is_in_the_golden_file() -> None:
    assert sorted(_expected()) == sorted([f.name for f in INVALID] + [f"cases/{c.name}" for c in CASES])


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
        "  results: 结果：准确率 90.1。",
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


SUMMARY_FORGERY = "\\e[2K\\r0 errors, 0 warnings in 8 files\\e[8m"  # YAML escapes: ESC, CR


def test_control_characters_from_records_never_reach_the_terminal(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A topic id that erases the line and prints a fake summary: the value reaches the message ("unknown topic '…'"),
    so every printed field must show control characters as escapes instead of sending them."""
    text = _paper("forged").replace("topics: [peft]", f'topics: ["peft", "{SUMMARY_FORGERY}", "\\u009b31m", "\\u202egnp.exe"]')
    (toy / "papers" / "forged.yaml").write_text(text, encoding="utf-8")
    cli.main(["--root", str(toy), "check"])
    out = capsys.readouterr().out
    assert "\\x1b[2K\\r0 errors, 0 warnings in 8 files\\x1b[8m" in out  # the payload reached the output, escaped
    assert "\\x9b31m" in out and "\\u202egnp.exe" in out
    assert not {"\x1b", "\r", "\x9b", "\u202e"} & set(out)
    assert [line for line in out.splitlines() if SUMMARY.match(line)] == [out.splitlines()[-1]]


def test_github_commands_escape_every_field(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Keys, file names and messages go into `::error file=…::…` lines. GitHub's rules: data escapes `%`, CR and LF;
    property values also `:` and `,`. A key that holds a newline and a new command must stay inside its annotation."""
    (toy / "papers" / "inject.yaml").write_text(_paper("inject") + '"x\\n::error::pwned": 1\n', encoding="utf-8")
    (toy / "papers" / "a,b:c%0A\n::error::file.yaml").write_text(_paper("odd"), encoding="utf-8")
    (toy / "papers" / "esc.yaml").write_text(_paper("esc", venue='"A \\e]8;;x\\e\\\\ %0A Paper 2021"'), encoding="utf-8")
    cli.main(["--root", str(toy), "check", "--format", "github"])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert all(re.match(r"::(error|warning) file=[^,:]*,line=\d+,col=\d+::", line) for line in lines), lines
    assert "::x\\n::error::pwned: unknown key" in out  # the key reached the message, newline escaped
    assert "file=papers/a%2Cb%3Ac%250A\\n%3A%3Aerror%3A%3Afile.yaml,line=" in out
    assert "\\x1b]8;;x\\x1b\\ %250A Paper" in out and "\x1b" not in out
    assert not re.search(r"^::error::", out, re.M)


def test_json_output_keeps_the_data_and_escapes_what_a_terminal_would_run(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = _paper("forged").replace("topics: [peft]", 'topics: ["peft", "\\e[2J\\u009b2J\\u202e"]')
    (toy / "papers" / "forged.yaml").write_text(text, encoding="utf-8")
    cli.main(["--root", str(toy), "check", "--format", "json"])
    out = capsys.readouterr().out
    assert not {"\x1b", "\x9b", "\u202e"} & set(out)
    messages = [row["message"] for row in json.loads(out)]
    assert any("'\x1b[2J\x9b2J\u202e'" in m for m in messages)  # the same data once parsed


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


def test_an_old_style_id_with_its_subject_class_is_the_same_paper(toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`math.GT/0309136` is arXiv's `math/0309136`: refused with the bare id, and a duplicate of a record that holds it."""
    for name, arxiv in (("knots", "math/0309136"), ("knots-again", "math.GT/0309136")):
        text = _paper(name).replace('arxiv: "2106.01234"', f'arxiv: "{arxiv}"').replace("year: 2021", "year: 2003")
        (toy / "papers" / f"{name}.yaml").write_text(text, encoding="utf-8")
    code, lines = run(toy, capsys=capsys)
    assert code == 1
    assert any("knots-again.yaml" in line and "no subject class" in line and "write 'math/0309136'" in line for line in lines)
    assert any("knots.yaml" in line and "arXiv id math/0309136 is already recorded in papers/knots-again.yaml" in line for line in lines)
