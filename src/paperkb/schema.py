"""JSON Schema for editors, generated from the models so it can never disagree with `paperkb check`.

With the registries given, the schema also lists what a record may name: topic ids (`topics`, a topic's `parent`),
tag ids, canonical institution names and venue series (`venue` is '<series> <year>': a pattern over the series, and a
snippet per series that leaves the year to type). An editor with the YAML language server then completes these while
the contributor types, and marks a misspelt one at once. `paperkb schema` writes the files from the checkout's own
registries; a test fails when the committed ones are stale.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from paperkb import models
from paperkb.vocabulary import Vocabulary

SCHEMAS: dict[str, type[BaseModel]] = {"paper.schema.json": models.Paper, "topic.schema.json": models.Topic}
_REGEX_SPECIAL = set("\\^$.|?*+()[]{}/")


def _regex_literal(text: str) -> str:
    """`text` as an ECMA-262 regular expression matching itself (Python's re.escape also escapes spaces, which
    ECMA-262's unicode mode refuses)."""
    return "".join(f"\\{ch}" if ch in _REGEX_SPECIAL else ch for ch in text)


def _string_branch(prop: dict[str, Any]) -> dict[str, Any]:
    """The non-null alternative of an optional field's schema (pydantic writes `anyOf: [{…}, {type: null}]`)."""
    options: list[dict[str, Any]] = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    return options[0]


def _enumerate(schema: dict[str, Any], vocab: Vocabulary, model: type[BaseModel]) -> None:
    props = schema["properties"]
    topics = sorted(vocab.topics)
    if model is models.Topic:
        _string_branch(props["parent"])["enum"] = topics
        return
    props["topics"]["items"]["enum"] = topics
    if vocab.tags is not None:
        props["tags"]["items"]["enum"] = sorted(vocab.tags)
    if vocab.institutions is not None:
        props["institutions"]["items"]["enum"] = sorted(vocab.institutions)
    if vocab.venues is not None:
        series = sorted(vocab.venues)
        venue = _string_branch(props["venue"])
        venue["pattern"] = "^(?:" + "|".join(_regex_literal(s) for s in series) + ") [0-9]{4}$"
        # yaml-language-server offers these as completions: the series, with the year left to type
        venue["defaultSnippets"] = [{"label": s, "body": f"{s} ${{1:year}}"} for s in series]


def json_schemas(vocab: Vocabulary | None = None) -> dict[str, str]:
    """File name -> schema text (sorted keys, trailing newline: stable diffs); ids enumerated when `vocab` is given."""
    out = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        if vocab is not None:
            _enumerate(schema, vocab, model)
        out[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return out
