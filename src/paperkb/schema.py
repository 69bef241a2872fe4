"""JSON Schema for editors, generated from the models so it can never disagree with `paperkb check`."""

from __future__ import annotations

import json

from pydantic import BaseModel

from paperkb import models

SCHEMAS: dict[str, type[BaseModel]] = {"paper.schema.json": models.Paper, "topic.schema.json": models.Topic}


def json_schemas() -> dict[str, str]:
    """File name -> schema text (sorted keys, trailing newline: stable diffs)."""
    out = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return out
