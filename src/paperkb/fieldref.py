"""The field reference in CONTRIBUTING.md, generated from the models so it cannot drift from what `paperkb check` accepts.

The tables are written between two marker comments; everything else in CONTRIBUTING.md is prose written by hand.
`paperkb fields` rewrites the tables; a test fails when the committed ones are stale. Pure: text in, text out.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel

from paperkb import identifiers, models

START = "<!-- field-reference:start — generated from src/paperkb/models.py by `paperkb fields`; do not edit by hand -->"
END = "<!-- field-reference:end -->"

# (heading, model, where such records live); fixed order: the paper first, as contributors need it most.
SECTIONS: list[tuple[str, type[BaseModel], str]] = [
    ("Paper", models.Paper, "`papers/<id>.yaml`"),
    ("Topic", models.Topic, "`topics/<id>.yaml`"),
    ("Tag", models.TagFile, "`registry/tags.yaml`"),
    ("Institution", models.InstitutionFile, "`registry/institutions.yaml`"),
    ("Venue", models.VenueFile, "`registry/venues.yaml`"),
    ("Glossary", models.GlossaryFile, "`registry/glossary.yaml`"),
]
_PATTERNS = {
    identifiers.SLUG: "id",
    identifiers.GITHUB_REPO: "owner/repo",
    identifiers.DOI: "DOI",
    identifiers.ANTHOLOGY: "Anthology id",
    identifiers.ARXIV_CLASS: "arXiv category",
    identifiers.PAGES: "pages",
}


def _cell(text: str) -> str:
    """Markdown-table safe: a `|` would end the cell, a `<series>` would vanish as an HTML tag on GitHub."""
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _type(prop: dict[str, Any]) -> str:
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    prop = options[0] if len(options) == 1 else prop
    if "$ref" in prop:
        return "mapping (below)"
    kind = prop.get("type")
    if kind == "array":
        inner = _type(prop.get("items", {}))
        limits = []
        if prop.get("minItems"):
            limits.append(f"at least {prop['minItems']}")
        if "maxItems" in prop:
            limits.append(f"at most {prop['maxItems']}")
        return f"list of {inner}" + (f"; {', '.join(limits)}" if limits else "")
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    if kind == "integer":
        return f"integer {prop['minimum']}–{prop['maximum']}" if "minimum" in prop and "maximum" in prop else "integer"
    if prop.get("format") == "date":
        return "date `YYYY-MM-DD`"
    if "pattern" in prop:
        return _PATTERNS.get(prop["pattern"], "text")
    if kind == "string":
        return f"text (≤ {prop['maxLength']} chars)" if "maxLength" in prop else "text"
    return str(kind or "value")


@functools.cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(mode="validation")


def field_type(model: type[BaseModel], name: str) -> str:
    """How the field reference describes a field's type ('date `YYYY-MM-DD`', 'list of id; at least 1'): the same words
    in the table and in `paperkb check`'s message for a missing field."""
    return _type(_schema(model)["properties"][name]).replace("mapping (below)", "mapping")


def _rows(schema: dict[str, Any], defs: dict[str, Any], prefix: str = "") -> list[str]:
    rows = []
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        key = f"{prefix}{name}"
        rows.append(f"| `{key}` | {'yes' if name in required else 'no'} | {_type(prop)} | {_cell(prop.get('description', ''))} |")
        target = next((o for o in [prop, prop.get("items", {}), *prop.get("anyOf", [])] if "$ref" in o), None)
        if target is not None:
            nested = defs[target["$ref"].rsplit("/", 1)[-1]]
            rows += _rows(nested, defs, f"{key}[]." if prop.get("type") == "array" else f"{key}.")
    return rows


def field_tables() -> str:
    """Every field of every record kind as Markdown tables: name, required, type, description."""
    out = []
    for heading, model, where in SECTIONS:
        schema = model.model_json_schema(mode="validation")
        out += [f"#### {heading} — {where}", "", "| field | required | type | what it holds |", "|---|---|---|---|"]
        out += _rows(schema, schema.get("$defs", {}))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def splice(document: str) -> str:
    """`document` with the text between the markers replaced by fresh tables; ValueError when a marker is missing."""
    head, start, rest = document.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"the markers are missing; put {START!r} and {END!r} where the tables belong")
    return f"{head}{START}\n\n{field_tables()}\n{END}{tail}"
