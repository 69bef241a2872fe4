"""CONTRIBUTING's table of check messages, the invalid fixtures and the messages themselves stay in step.

Every message the table names must be produced, exactly, by a fixture under tests/fixtures/invalid/ (expected.txt is
what they produce, held by test_check.py), and every message a fixture produces must be explained in the table. A
renamed message then fails here until the table says what it means, and a table row no code produces any more cannot
linger (issue 17).
"""

from __future__ import annotations

import re

from conftest import FIXTURES, ROOT

TABLE_HEADING = "## 检查信息 / What the check messages mean"
_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")


def table_messages() -> list[str]:
    """The message patterns of the table's first column: each code span, `…` standing for what varies."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text[text.index(TABLE_HEADING) :]
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| message"))
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    rows = lines[start + 2 : end]
    spans = []
    for row in rows:
        first = row[2:].split(" | ", 1)[0]
        spans += [m[2].strip() for m in _SPAN.finditer(first)]
    return spans


def fixture_messages() -> list[str]:
    """What the fixtures produce: the message part of each line of expected.txt (after `field: ` and `warning: `)."""
    out = []
    for line in (FIXTURES / "invalid" / "expected.txt").read_text(encoding="utf-8").splitlines():
        _, _, problem = line.partition(" | ")
        message = re.sub(r"^.*?:\d+:\d+: [^ ]*?: ", "", problem).removeprefix("warning: ")
        out.append(message)
    return out


def _pattern(span: str) -> re.Pattern[str]:
    return re.compile(".*?".join(re.escape(part) for part in span.split("…")))


def test_the_table_is_parsed() -> None:
    spans = table_messages()
    assert len(spans) > 80, spans
    assert "must not be empty" in spans and "is required: add `…` after `…` — …" in spans


def test_every_message_in_the_table_is_produced_by_a_fixture() -> None:
    messages = fixture_messages()
    unproduced = [span for span in table_messages() if not any(_pattern(span).search(m) for m in messages)]
    assert not unproduced, f"CONTRIBUTING.md names messages no fixture in tests/fixtures/invalid/ produces: {unproduced}"


def test_every_fixture_message_is_explained_in_the_table() -> None:
    patterns = [_pattern(span) for span in table_messages()]
    unexplained = sorted({m for m in fixture_messages() if not any(p.search(m) for p in patterns)})
    assert not unexplained, f"these messages are missing from the table in CONTRIBUTING.md: {unexplained}"
