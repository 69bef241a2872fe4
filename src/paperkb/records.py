"""From one file's bytes to a validated model, or to problems a contributor can act on.

pydantic's own messages ("Input should be a valid string", "Extra inputs are not permitted") name a type system, not a
remedy. This module maps each error back to the YAML line and column the loader recorded and rewords it as the rule plus
what to write instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

from paperkb import fieldref, hints, models, scaffold, yamlload
from paperkb.problems import Problem

Kind = Literal["paper", "topic", "tags", "institutions", "venues", "glossary"]

MODELS: dict[Kind, type[BaseModel]] = {
    "paper": models.Paper,
    "topic": models.Topic,
    "tags": models.TagFile,
    "institutions": models.InstitutionFile,
    "venues": models.VenueFile,
    "glossary": models.GlossaryFile,
}
MAX_BYTES: dict[Kind, int] = {
    "paper": 64 * 1024,
    "topic": 64 * 1024,
    "tags": 256 * 1024,
    "institutions": 256 * 1024,
    "venues": 256 * 1024,
    "glossary": 256 * 1024,
}


@dataclass(frozen=True)
class RecordFile:
    """One file as read: where it is, what it held, and its model when it validated."""

    path: str
    kind: Kind
    doc: yamlload.Document | None
    model: BaseModel | None

    def loc(self, *keys: str | int) -> yamlload.Loc:
        return self.doc.loc(tuple(keys)) if self.doc else yamlload.Loc(1, 1)


def field_name(loc: tuple[str | int, ...]) -> str:
    """('notes', 'method') -> 'notes.method'; ('topics', 1) -> 'topics[1]'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that owns the last key of `loc` (for suggesting the right spelling of an unknown key)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        annotation = current.model_fields[part].annotation
        while get_origin(annotation) is not None:
            args = [a for a in get_args(annotation) if a is not type(None)]
            annotation = args[0] if args else None
        current = annotation
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


_PATTERN_HINTS = {
    "id": "must be lower-case letters, digits and hyphens (2–81 characters), e.g. 'lora' or 'self-rag'",
    "code": "must be a GitHub repository written 'owner/repo', e.g. 'microsoft/LoRA'",
    "doi": "must be a DOI starting with '10.', e.g. '10.18653/v1/N19-1423'",
    "anthology": "must be an ACL Anthology id as its page shows it, e.g. '2023.emnlp-main.923' or 'N19-1423' (no URL)",
    "arxiv_class": "must be an arXiv category such as 'cs.CL' or 'stat.ML', as arXiv lists it",
    "pages": "must be a page or a range written with one ASCII hyphen, e.g. '4171-4186' (not an en dash or '--')",
    "volume": "must be the volume number only, e.g. '36'",
}


def _message(model: type[BaseModel], err: Any) -> str:
    kind = err["type"]
    loc = tuple(err["loc"])
    ctx = err.get("ctx") or {}
    last = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if kind == "extra_forbidden":
        owner = _model_at(model, loc)
        allowed = sorted(owner.model_fields) if owner else []
        close = hints.closest(str(loc[-1]), allowed)
        hint = f"did you mean `{close}`? " if close else ""
        return f"unknown key; {hint}allowed keys: {', '.join(allowed)}"
    if kind == "string_type":
        return "must be text; put it in quotes"
    if kind == "string_unicode":
        return "holds characters that are not text (lone UTF-16 surrogates); delete them"
    if kind == "int_type":
        return "must be a whole number written without quotes, e.g. 2021"
    if kind == "list_type":
        return "must be a list: `[a, b]` or one `- item` per line"
    if kind == "model_type":  # the models are strict: a list or a value where a mapping belongs is only ever this
        return "must be a mapping of keys to values"
    if kind == "date_type":  # text is parsed by models._iso_date; strict models give anything else this type
        return "must be a date written YYYY-MM-DD, e.g. '2023-10-17'"
    if kind == "string_pattern_mismatch":
        # Every pattern field outside _PATTERN_HINTS is an id (tests/test_mutants_records.py holds the models to that).
        return _PATTERN_HINTS.get(last, "must be an id of lower-case letters, digits and hyphens")
    if kind == "string_too_short":
        owner = _model_at(model, loc)
        optional = owner is not None and last in owner.model_fields and not owner.model_fields[last].is_required()
        return "must not be empty; write it, or delete the line (it is optional)" if optional else "must not be empty"
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters; shorten it"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        owner = _model_at(model, loc)
        info = owner.model_fields.get(last) if owner is not None else None
        example = f", e.g. {_example(last, info.examples[0])}" if info is not None and info.examples else ""
        return f"must list at least {least} item{'' if least == 1 else 's'}{example}"
    if kind == "too_long":
        return f"lists too many items; at most {ctx.get('max_length')}"
    if kind in {"greater_than_equal", "less_than_equal"}:
        return "is out of range: a year must be between 1950 and 2100" if last == "year" else str(err["msg"]).lower()
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected')}"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    return str(err["msg"])


def _example(name: str, value: Any) -> str:
    """A field as a contributor would type it: `year: 2021`, `topics: [peft]`, `title: "…"`."""
    if isinstance(value, dict):
        return f"`{name}:` with {_listing([f'`{k}:`' for k in value])} indented below it"
    if isinstance(value, list) and value and isinstance(value[0], dict):  # registries: one `- key: …` block an entry
        first, *rest = list(value[0])
        below = f", each with {_listing([f'`{k}:`' for k in rest])} indented below it" if rest else ""
        return f"`{name}:` with one `- {first}: …` item per entry{below}"
    if isinstance(value, list):
        return f"`{name}: [{', '.join(str(v) for v in value)}]`"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
    return f"`{name}: {text}`"


def _listing(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _missing(model: type[BaseModel], doc: yamlload.Document, loc: tuple[str | int, ...]) -> tuple[yamlload.Loc, str]:
    """Where a missing field belongs and what to write there.

    The location is the neighbouring field in the model's order (the one it goes after, else the one it goes before),
    inside the mapping that lacks it, so the line shown is the line to add it at; the message gives the field's type
    and an example value.
    """
    name = str(loc[-1])
    owner = _model_at(model, loc)
    parent = loc[:-1]
    if owner is None or name not in owner.model_fields:
        return doc.loc(parent), f"is required; add `{name}:`"
    info = owner.model_fields[name]
    example = _example(name, info.examples[0]) if info.examples else f"`{name}:`"
    kind = fieldref.field_type(owner, name)
    order = list(owner.model_fields)
    here = order.index(name)
    present = [k for k in order if (*parent, k) in doc.key_locs]
    before = [k for k in present if order.index(k) < here]
    after = [k for k in present if order.index(k) > here]
    if before:
        return doc.key_locs[(*parent, before[-1])], f"is required: add {example} after `{before[-1]}` — {kind}"
    if after:
        return doc.key_locs[(*parent, after[0])], f"is required: add {example} before `{after[0]}` — {kind}"
    return doc.loc(parent), f"is required: add {example} — {kind}"


def validate(path: str, kind: Kind, doc: yamlload.Document) -> tuple[BaseModel | None, list[Problem]]:
    """Validate loaded data against the kind's model; return the model or the located problems."""
    model = MODELS[kind]
    if not isinstance(doc.data, dict):
        shape = "a list" if isinstance(doc.data, list) else "a single value"
        loc = doc.loc(())
        return None, [Problem(path, loc.line, loc.col, "", f"file holds {shape}; a record is a mapping such as `id: lora`")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc_path = tuple(err["loc"])
            if err["type"] == "missing":
                where, message = _missing(model, doc, loc_path)
            else:
                found = doc.key_locs.get(loc_path) if err["type"] == "extra_forbidden" else None
                where, message = found or doc.loc(loc_path), _message(model, err)
            problems.append(Problem(path, where.line, where.col, field_name(loc_path), message))
        return None, problems


def parse_file(path: str, kind: Kind, raw: bytes) -> tuple[RecordFile, list[Problem]]:
    """Load and validate one file; never raises for a contributor's mistake."""
    try:
        text = yamlload.decode(raw, MAX_BYTES[kind])
        doc = yamlload.parse(text)
    except yamlload.Fatal as fatal:
        return RecordFile(path, kind, None, None), [Problem(path, fatal.loc.line, fatal.loc.col, "", fatal.message)]
    problems = [Problem(path, loc.line, loc.col, field_name(p), msg) for loc, p, msg in doc.problems]
    # An unfinished draft's TODO line says what to write; the model's "must not be empty" on the same line says less.
    drafted = scaffold.problems(path, text, doc) if kind in {"paper", "topic"} else []
    problems += drafted
    model, invalid = validate(path, kind, doc)
    taken: set[tuple[Any, ...]] = {(q.line, q.col, q.field) for q in problems} | {(q.line, q.field) for q in drafted}
    problems += [p for p in invalid if (p.line, p.col, p.field) not in taken and (p.line, p.field) not in taken]
    return RecordFile(path, kind, doc, None if problems else model), problems
