"""A YAML loader for untrusted records that cannot silently change what a contributor wrote.

PyYAML's ordinary loaders keep the last of two duplicate keys, read `2310.10000` as the float 2310.1, `no` as False and
`017` as 15, and expand aliases into arbitrarily large trees. Records come from strangers' pull requests, so this loader
walks the parser's event stream itself and builds plain dicts, lists and scalars under stricter rules:

- bytes are capped before parsing and must be UTF-8;
- one document only; no anchors, aliases, merge keys or explicit tags (nothing a record needs, everything an attacker wants);
- duplicate keys are errors naming both lines;
- a plain scalar keeps its text unless it is an unambiguous decimal integer; a plain scalar that YAML tools would read as a
  float, a boolean or an octal/hex/sexagesimal number is reported, because other readers of the same file would corrupt it;
- nesting is capped, so a 5,000-deep document fails fast instead of exhausting the stack;
- every value remembers its line and column, so that later checks can point at it.

Problems are collected, not raised, as far as parsing allows: a contributor sees every scalar that needs quoting at once.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.resolver import Resolver

_Parser: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # LibYAML parses ~7x faster; same events either way
_RESOLVER = Resolver()

MAX_BYTES = 64 * 1024
MAX_DEPTH = 12
MAX_DIGITS = 15  # the longest whole number every YAML reader keeps exactly (JavaScript's are doubles)

Path = tuple[str | int, ...]

_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_BOOL_WORDS = {"y", "n"}  # YAML 1.1 booleans that PyYAML's resolver forgets


@dataclass(frozen=True)
class Loc:
    """1-based line and column of a value in its file."""

    line: int
    col: int


@dataclass
class Document:
    """What a file held: plain data, where each value came from, and what was wrong with it."""

    data: Any = None
    locs: dict[Path, Loc] = field(default_factory=dict)
    key_locs: dict[Path, Loc] = field(default_factory=dict)
    problems: list[tuple[Loc, Path, str]] = field(default_factory=list)

    def loc(self, path: Path) -> Loc:
        """The location of `path`, or of its nearest ancestor that exists (a missing key points at its mapping)."""
        while path:
            if path in self.locs:
                return self.locs[path]
            path = path[:-1]
        return self.locs.get((), Loc(1, 1))


class Fatal(Exception):
    """The file cannot be read as a record at all; carries the one location and message to show."""

    def __init__(self, loc: Loc, message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


def _mark(event: Any) -> Loc:
    return Loc(event.start_mark.line + 1, event.start_mark.column + 1)


def decode(raw: bytes, max_bytes: int = MAX_BYTES) -> str:
    """Check size and encoding before any parser sees the bytes."""
    if len(raw) > max_bytes:
        raise Fatal(Loc(1, 1), f"file is {len(raw):,} bytes; records must be at most {max_bytes:,} bytes — shorten the notes")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) >= 2 and (raw[0] == 0 or raw[1] == 0)):
        raise Fatal(Loc(1, 1), "file looks like UTF-16; records must be UTF-8 — re-save the file as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise Fatal(Loc(line, 1), "file is not valid UTF-8; records must be UTF-8 — re-save the file as UTF-8") from None
    return text.removeprefix("\ufeff")


@functools.lru_cache(maxsize=8192)
def _kind(value: str) -> str:
    """What YAML 1.1 resolves a plain scalar to (str, int, float, bool, null, timestamp). Memoised: keys repeat in every record."""
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag.rsplit(":", 1)[-1]


def _scalar(doc: Document, event: Any, path: Path) -> Any:
    """Turn one scalar event into a value, reporting the forms that other YAML readers would misread."""
    value: str = event.value
    if not event.implicit[0]:  # quoted or block scalar: the text is the value
        return value
    kind = _kind(value)
    if kind == "null":
        return None
    loc = _mark(event)  # only needed for a problem; most scalars have none (10,000 records: ~600,000 scalars)
    if kind == "bool" or value.lower() in _BOOL_WORDS:
        doc.problems.append((loc, path, f"`{value}` is read as a boolean by YAML 1.1 tools; quote it ('{value}') if you mean the text"))
        return value
    if kind == "int":
        if _DECIMAL.fullmatch(value):
            digits = len(value.lstrip("+-"))
            if digits > MAX_DIGITS:
                # int() refuses more than 4,300 digits (a traceback); JavaScript YAML readers round past 15 anyway.
                doc.problems.append(
                    (loc, path, f"`{value[:12]}…` is a whole number of {digits:,} digits; numbers in records have at most {MAX_DIGITS}")
                )
                return value
            return int(value)
        doc.problems.append((loc, path, f"`{value}` is read as an octal, hex or base-60 number by YAML tools; quote it ('{value}')"))
        return value
    if kind == "float":
        doc.problems.append((loc, path, f"`{value}` is read as a number by YAML tools (2310.10000 becomes 2310.1); quote it: '{value}'"))
        return value
    return value  # str and timestamp: keep the text, the models parse dates themselves


def _line(text: str, number: int) -> str:
    """Line `number` (1-based) of `text`, found without splitting the whole text."""
    start = 0
    for _ in range(number - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    end = text.find("\n", start)
    return text[start : end if end >= 0 else len(text)]


def _explain(text: str, loc: Loc, problem: str) -> tuple[Loc, str] | None:
    """The commonest syntax errors in records, in words that say what to type; None for the others.

    Both parsers describe them in their own terms ("found character that cannot start any token", "mapping values are
    not allowed in this context"), at a position that is often a line after the mistake.
    """
    tab = _tab_at(text, loc)
    if tab is not None:
        return tab, "this line is indented with a tab; YAML indents with spaces only — replace the tab with spaces"
    opened = _unclosed_quote(text, loc)
    if opened is not None:
        quote, where = opened
        return where, f"not valid YAML: this {quote} is never closed; end the value with {quote} on this line"
    if "mapping values are not allowed" in problem:
        line = _line(text, loc.line)
        first = line.find(": ")
        if 0 <= first < loc.col - 1:  # a second `: ` on the line: an unquoted value that holds one
            key, value = line[:first].strip(), line[first + 2 :].strip()
            if len(line) <= 400:
                return Loc(loc.line, first + 3), (
                    f"not valid YAML: a value containing `: ` must be quoted; write {key}: {json.dumps(value, ensure_ascii=False)}"
                )
            return Loc(loc.line, first + 3), "not valid YAML: a value containing `: ` must be quoted; put it in double quotes"
        return loc, "not valid YAML: this line is indented deeper than the key above it; indent it like its neighbours"
    return None


def _tab_at(text: str, loc: Loc) -> Loc | None:
    """The tab in the indentation of the line a parser error points at, if there is one.

    A tab in the indentation is the commonest YAML error of all (editors insert one), and both parsers word it as
    "found character that cannot start any token", which never says "tab".
    """
    line = _line(text, loc.line)
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in indent:
        return Loc(loc.line, indent.index("\t") + 1)
    return None


_QUOTED_START = re.compile(r"^\s*(?:-\s+)?(?:[A-Za-z_][A-Za-z0-9_]*:\s+)?([\"'])")


def _unclosed_quote(text: str, loc: Loc) -> tuple[str, Loc] | None:
    """The nearest line at or before the error whose value opens a quote that the same line does not close, if any.

    Records keep quoted values on one line; an unclosed `"` makes the parser fail a line or more later, where nothing
    is wrong. Looked at only when parsing has failed, over the lines up to the error.
    """
    lines = text.split("\n", loc.line)[: loc.line]
    for number in range(len(lines), 0, -1):
        line = lines[number - 1]
        match = _QUOTED_START.match(line)
        if not match:
            continue
        quote, rest = match[1], line[match.end() :]
        closed = rest.replace("\\\\", "").replace('\\"', "").count('"') if quote == '"' else rest.replace("''", "").count("'")
        if not closed:
            return quote, Loc(number, match.start(1) + 1)
    return None


def parse(text: str) -> Document:
    """Build a Document from YAML text; raise Fatal for structure no record may have."""
    doc = Document()
    # Stack of containers being built: (container, path, pending key or None, key locations seen in this mapping).
    stack: list[tuple[Any, Path, list[Any], dict[str, Loc]]] = []
    documents = 0
    root: Any = None
    has_root = False

    def place(value: Any, loc: Loc) -> Path | None:
        """Attach a finished value to the container on top of the stack; return the value's path."""
        nonlocal root, has_root
        if not stack:
            root, has_root = value, True
            doc.locs[()] = loc
            return ()
        container, path, pending, seen = stack[-1]
        if isinstance(container, list):
            child: Path = (*path, len(container))
            container.append(value)
            doc.locs[child] = loc
            return child
        if not pending:  # this value is a key
            if not isinstance(value, str) or isinstance(value, bool):
                raise Fatal(loc, "keys must be plain text such as `title:`")
            if value == "<<":
                raise Fatal(loc, "merge keys (`<<:`) are not allowed in records; write the fields out")
            if value in seen:
                doc.problems.append((loc, (*path, value), f"duplicate key `{value}` (first on line {seen[value].line}); keep one of them"))
            seen[value] = loc
            pending.append((value, loc))
            return None
        key, key_loc = pending.pop()
        child = (*path, key)
        if key not in container:  # a duplicate keeps the first value; the problem above already says so
            container[key] = value
            doc.locs[child] = loc
            doc.key_locs[child] = key_loc
        return child

    try:
        for event in yaml.parse(text, Loader=_Parser):
            name = type(event).__name__
            if name in {"StreamStartEvent", "StreamEndEvent", "DocumentEndEvent"}:
                continue
            if name == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    raise Fatal(_mark(event), "a record file holds one document; remove the second `---` and what follows")
                continue
            if name == "AliasEvent":
                raise Fatal(_mark(event), "aliases (`*name`) are not allowed in records; write the value out")
            if getattr(event, "anchor", None):
                raise Fatal(_mark(event), "anchors (`&name`) are not allowed in records; remove them")
            tag = getattr(event, "tag", None)
            # Any tag a contributor wrote, the non-specific `!` included: PyYAML and LibYAML disagree on whether
            # `! [1]` is "implicit", so a rule that looked at `implicit` refused it with one parser and not the other.
            if tag is not None:
                raise Fatal(_mark(event), f"YAML tags (`{tag}`) are not allowed in records; remove the tag")
            if name == "ScalarEvent":
                path = stack[-1][1] if stack else ()
                if stack and isinstance(stack[-1][0], dict) and stack[-1][2]:
                    path = (*path, stack[-1][2][-1][0])
                elif stack and isinstance(stack[-1][0], list):
                    path = (*path, len(stack[-1][0]))
                place(_scalar(doc, event, path), _mark(event))
            elif name in {"MappingStartEvent", "SequenceStartEvent"}:
                if len(stack) >= MAX_DEPTH:
                    raise Fatal(_mark(event), f"nesting is too deep (more than {MAX_DEPTH} levels); records are flat mappings")
                container: Any = {} if name == "MappingStartEvent" else []
                child = place(container, _mark(event))
                if child is None:
                    raise Fatal(_mark(event), "keys must be plain text such as `title:`")
                stack.append((container, child, [], {}))
            elif name in {"MappingEndEvent", "SequenceEndEvent"}:
                stack.pop()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        loc = Loc(mark.line + 1, mark.column + 1) if mark else Loc(1, 1)
        problem = (err.problem or "").strip() or "invalid YAML"
        if "nesting depth" in problem:
            raise Fatal(loc, "nesting is too deep; records are flat mappings of fields") from None
        explained = _explain(text, loc, problem)
        if explained is not None:
            raise Fatal(*explained) from None
        raise Fatal(loc, f"not valid YAML: {problem}; check indentation and quoting here") from None
    except yaml.reader.ReaderError as err:
        # LibYAML reports a byte offset, PyYAML a character index: find the character itself to locate it.
        char = chr(err.character) if isinstance(err.character, int) else str(err.character)
        index = text.find(char) if char else -1
        loc = Loc(text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)) if index >= 0 else Loc(1, 1)
        name = f"U+{ord(char):04X}" if len(char) == 1 else repr(char)
        raise Fatal(loc, f"not valid YAML: the control character {name} is not allowed in YAML files; delete it") from None
    except yaml.YAMLError as err:
        raise Fatal(Loc(1, 1), f"not valid YAML: {err}") from None
    if not has_root:
        raise Fatal(Loc(1, 1), "file is empty; a record is a mapping of fields such as `id:` and `title:`")
    doc.data = root
    return doc


def load(raw: bytes, max_bytes: int = MAX_BYTES) -> Document:
    """Decode and parse one file's bytes."""
    return parse(decode(raw, max_bytes))


# Characters a YAML file may not hold raw (DEL, C1 controls, surrogates, U+FFFE/FFFF) or reads as line breaks inside
# a quoted scalar (NEL, U+2028, U+2029, which would fold into a space). JSON escapes only C0 controls.
_QUOTE_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar that this loader (and every YAML reader) reads back as exactly `text`.

    JSON strings are valid YAML: '2310.11511' stays text and 'no' stays a word; a newline or `"` cannot end the value.
    """
    return _QUOTE_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(text, ensure_ascii=False))
