"""Reading the knowledge base from disk: the only place that knows the folder layout.

Layout: `papers/<id>.yaml`, `topics/<id>.yaml`, and the vocabularies in `registry/` (tags, institutions, venues).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Collection
from pathlib import Path

from paperkb import checks, duplicates, models, neardup, parsecache
from paperkb.kb import KnowledgeBase
from paperkb.problems import Problem, count_errors
from paperkb.records import Kind, RecordFile, parse_file

REGISTRY: dict[str, Kind] = {
    "registry/tags.yaml": "tags",
    "registry/institutions.yaml": "institutions",
    "registry/venues.yaml": "venues",
    "registry/glossary.yaml": "glossary",
}
# Without a glossary, search still matches each language on its own (and institutions in both).
OPTIONAL = {"registry/glossary.yaml"}


class NotAKnowledgeBase(Exception):
    """Raised when no folder with papers/ and topics/ can be found; the CLI turns it into a message."""


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds papers/ and topics/."""
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / "papers").is_dir() and (folder / "topics").is_dir():
            return folder
    raise NotAKnowledgeBase(f"no papers/ and topics/ folders at or above {start}; run inside a paperkb checkout or pass --root")


FOLDERS = ("papers", "topics", "registry")


def linked_folders(root: Path) -> list[str]:
    """Record folders that are symbolic links: their files would come from outside the checkout, so none is read."""
    return [folder for folder in FOLDERS if (root / folder).is_symlink()]


def discover(root: Path) -> list[tuple[str, Kind]]:
    """Every record file, as (path relative to root, kind), sorted; nothing inside a linked folder."""
    found: list[tuple[str, Kind]] = []
    linked = linked_folders(root)
    for folder, kind in (("papers", "paper"), ("topics", "topic")):
        if folder in linked:
            continue
        # Names sorted as strings, and `scandir`'s file types instead of a stat per file: at 10,000 records, sorting
        # and testing Path objects was a tenth of a warm `paperkb check`.
        with os.scandir(root / folder) as entries:
            names = sorted(e.name for e in entries if os.path.splitext(e.name)[1] in {".yaml", ".yml"} and (e.is_symlink() or e.is_file()))
        found += [(f"{folder}/{name}", kind) for name in names]  # type: ignore[misc]
    for rel, kind in REGISTRY.items():
        if "registry" not in linked and ((root / rel).is_file() or (root / rel).is_symlink()):
            found.append((rel, kind))
    return found


def load_files(root: Path, focus: Collection[str] = (), *, cache_of: Path | None = None) -> tuple[list[RecordFile], list[Problem]]:
    """Read and validate every record file under `root`, collecting every problem.

    `focus`: the files being checked, blamed first when two records clash (`checks.check`). `cache_of`: read the parse
    cache of that checkout and leave it as it is (`check --changed` reading the branch's base from a scratch folder).
    """
    files: list[RecordFile] = []
    problems: list[Problem] = []
    near: dict[str, neardup.Item | None] = {}
    # Loading builds many small, long-lived objects and no cycles; the cyclic collector's repeated passes over them
    # cost about a third of `paperkb check` at 10,000 records (bench/README.md), so it pauses while records load.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    cache = parsecache.ParseCache(cache_of or root, save=cache_of is None)  # unchanged files are not parsed again
    try:
        discovered = discover(root)
        for rel, kind in discovered:
            path = root / rel
            if path.is_symlink():
                problems.append(Problem(rel, 1, 1, "", "record files must be regular files, not symbolic links"))
                continue
            data = path.read_bytes()
            k = parsecache.key(rel, kind, data)
            parsed = cache.get(k)
            if parsed is None:
                # With what the cross-record rules derive from each file alone: cached with it (checks.check).
                file, found = parse_file(rel, kind, data)
                parsed = (file, found + checks.string_problems(file), duplicates.item_of(file) if kind == "paper" else None)
                cache.put(k, parsed)
            file, found, item = parsed
            files.append(file)
            problems += found
            near[rel] = item
        cache.save()
    finally:
        if gc_was_enabled:
            gc.enable()
    linked = linked_folders(root)
    for folder in linked:
        problems.append(Problem(f"{folder}/", 1, 1, "", f"{folder}/ is a symbolic link; records must be files of the checkout itself"))
    for rel in REGISTRY:
        if rel not in OPTIONAL and "registry" not in linked and not ((root / rel).is_file() or (root / rel).is_symlink()):
            problems.append(Problem(rel, 1, 1, "", "registry file is missing; restore it from the repository"))
    for rel, _ in discovered:  # the record folders' files, already listed
        if rel.endswith(".yml") and (root / rel).is_file():
            problems.append(Problem(rel, 1, 1, "", "use the .yaml extension; rename the file"))
    problems += checks.check(files, focus, strings=False, near=near)
    return files, sorted(set(problems))


def build_kb(files: list[RecordFile]) -> KnowledgeBase:
    """Assemble the knowledge base from files that all validated."""
    papers = sorted((f.model for f in files if isinstance(f.model, models.Paper)), key=lambda p: p.id)
    topics = sorted((f.model for f in files if isinstance(f.model, models.Topic)), key=lambda t: t.id)
    tags: tuple[models.Tag, ...] = ()
    insts: tuple[models.Institution, ...] = ()
    venues: tuple[models.Venue, ...] = ()
    glossary: tuple[models.GlossaryEntry, ...] = ()
    for f in files:
        if isinstance(f.model, models.TagFile):
            tags = tuple(f.model.tags)
        elif isinstance(f.model, models.InstitutionFile):
            insts = tuple(f.model.institutions)
        elif isinstance(f.model, models.VenueFile):
            venues = tuple(f.model.venues)
        elif isinstance(f.model, models.GlossaryFile):
            glossary = tuple(f.model.terms)
    return KnowledgeBase(tuple(papers), tuple(topics), tags, insts, venues, glossary)


def load_kb(root: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
    """The knowledge base, or None when any error stops it from being built."""
    files, problems = load_files(root)
    if count_errors(problems):
        return None, problems
    return build_kb(files), problems
