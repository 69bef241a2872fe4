"""Generated files stay fresh, and every command explains itself."""

from __future__ import annotations

import pytest
from conftest import ROOT

from paperkb import cli, schema


def test_committed_json_schema_is_fresh() -> None:
    for name, text in schema.json_schemas().items():
        committed = ROOT / "schema" / name
        assert committed.exists(), f"schema/{name} is missing; run `paperkb schema`"
        assert committed.read_text(encoding="utf-8") == text, f"schema/{name} is stale; run `paperkb schema` and commit it"


def test_schema_describes_every_field() -> None:
    import json

    for text in schema.json_schemas().values():
        data = json.loads(text)
        for defn in [data, *data.get("$defs", {}).values()]:
            for name, prop in defn.get("properties", {}).items():
                assert prop.get("description"), f"field {name} has no description"


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices
    for name, p in sub.choices.items():  # type: ignore[union-attr]
        assert p.description and len(p.description) > 20, f"`paperkb {name}` lacks a description"
        with pytest.raises(SystemExit) as exit_info:
            cli.main([name, "--help"])
        assert exit_info.value.code == 0
        assert "usage: paperkb" in capsys.readouterr().out
