"""Generated files stay fresh, and every command explains itself."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT

from paperkb import checks, cli, schema
from paperkb.repository import load_files
from paperkb.vocabulary import Vocabulary


def _vocab(root: Path) -> Vocabulary:
    files, _ = load_files(root)
    return checks.vocabulary_of(files)


def test_committed_json_schema_is_fresh() -> None:
    for name, text in schema.json_schemas(_vocab(ROOT)).items():
        committed = ROOT / "schema" / name
        assert committed.exists(), f"schema/{name} is missing; run `paperkb schema`"
        assert committed.read_text(encoding="utf-8") == text, f"schema/{name} is stale; run `paperkb schema` and commit it"


def test_schema_enumerates_the_registries(toy: Path) -> None:
    """Topic ids, tag ids, canonical institution names and venue series come from the registries, so editors complete
    them; a new tag in registry/tags.yaml appears in the schema `paperkb schema` writes."""
    tags = toy / "registry" / "tags.yaml"
    tags.write_text(tags.read_text(encoding="utf-8") + "  - id: brand-new\n    name: 新标签\n    name_en: New\n", encoding="utf-8")
    assert cli.main(["--root", str(toy), "schema"]) == 0
    paper = json.loads((toy / "schema" / "paper.schema.json").read_text(encoding="utf-8"))
    topic = json.loads((toy / "schema" / "topic.schema.json").read_text(encoding="utf-8"))
    props = paper["properties"]
    assert props["topics"]["items"]["enum"] == ["peft", "quantization"]
    assert "brand-new" in props["tags"]["items"]["enum"] and "lora" in props["tags"]["items"]["enum"]
    institutions = props["institutions"]["items"]["enum"]
    assert "Google" in institutions and "Google Research" not in institutions  # aliases are refused, so never offered
    venue = next(o for o in props["venue"]["anyOf"] if o.get("type") == "string")
    assert {s["label"] for s in venue["defaultSnippets"]} >= {"NeurIPS", "ICLR"}
    assert next(s for s in venue["defaultSnippets"] if s["label"] == "NeurIPS")["body"] == "NeurIPS ${1:year}"
    parent = next(o for o in topic["properties"]["parent"]["anyOf"] if o.get("type") == "string")
    assert parent["enum"] == ["peft", "quantization"]


def _validator(root: Path) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(schema.json_schemas(_vocab(root))["paper.schema.json"]))


def test_every_real_record_validates_against_the_enumerating_schema() -> None:
    """What an editor checks as you type agrees with `paperkb check` on the whole collection (a real validator)."""
    validator = _validator(ROOT)
    for path in sorted((ROOT / "papers").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}  # PyYAML reads dates
        errors = [e.message for e in validator.iter_errors(data)]
        assert not errors, f"{path.name}: {errors}"


@pytest.mark.parametrize(
    ("key", "value"),
    [("topics", ["pfet"]), ("tags", ["lroa"]), ("institutions", ["Google Research"]), ("venue", "Neurips 2023"), ("venue", "NeurIPS")],
)
def test_the_schema_refuses_what_the_check_refuses(key: str, value: object) -> None:
    lora = yaml.safe_load((ROOT / "tests" / "fixtures" / "kb" / "papers" / "lora.yaml").read_text(encoding="utf-8"))
    lora = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in lora.items()}
    validator = _validator(ROOT / "tests" / "fixtures" / "kb")
    assert not list(validator.iter_errors(lora))
    assert list(validator.iter_errors({**lora, key: value}))


def test_schema_describes_every_field() -> None:
    for text in schema.json_schemas(_vocab(ROOT)).values():
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
