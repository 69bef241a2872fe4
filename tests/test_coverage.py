"""Nothing from the seed lists is silently dropped: every seed entry maps to a record or to a stated reason.

The seeds live beside the repository in ../shared/seeds (CI clones the repository next to them). Entries are found with
the same rule the coverage file was made with: seed 001 splits at each top-level `- ` bullet under a heading; seed 002 at
each numbered classic (`1. Transformer`).
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from paperkb import yamlload
from paperkb.identifiers import normalise_arxiv

SEEDS = ROOT.parent / "shared" / "seeds"
COVERAGE = ROOT / "registry" / "seed-coverage.yaml"


def seed_entries() -> dict[str, list[str]]:
    """entry name -> arXiv ids the seed gives for it."""
    out: dict[str, list[str]] = {}
    (list_seed,) = SEEDS.glob("001_*.txt")
    n = 0
    current: list[str] | None = None
    for line in list_seed.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            current = None
        elif line.startswith("- "):
            n += 1
            current = out.setdefault(f"e{n:03d}", [])
        if current is not None:
            current += [normalise_arxiv(i) for i in re.findall(r"arxiv\.org/(?:abs|pdf)/([\w.]+)", line)]
    (classics,) = SEEDS.glob("002_*.txt")
    for match in re.finditer(r"^(\d+)\. \S", classics.read_text(encoding="utf-8"), flags=re.M):
        out[f"c{int(match.group(1)):02d}"] = []
    return out


def coverage() -> list[dict[str, str]]:
    doc = yamlload.load(COVERAGE.read_bytes(), max_bytes=1024 * 1024)
    assert not doc.problems, doc.problems
    entries: list[dict[str, str]] = doc.data["entries"]
    return entries


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this clone")
def test_every_seed_entry_is_covered_once() -> None:
    expected = seed_entries()
    assert len(expected) == 139
    names = [e["entry"] for e in coverage()]
    assert sorted(names) == sorted(expected), set(names) ^ set(expected)


def test_coverage_points_at_real_records_or_gives_a_reason() -> None:
    papers = {p.stem for p in (ROOT / "papers").glob("*.yaml")}
    for entry in coverage():
        assert ("record" in entry) != ("skip" in entry), entry
        if "record" in entry:
            assert entry["record"] in papers, f"{entry['entry']} points at missing record {entry['record']}"
        else:
            assert len(entry["skip"]) >= 10, f"{entry['entry']}: a skip needs a reason"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this clone")
def test_a_record_that_departs_from_the_seed_id_says_why() -> None:
    """Where the seed's arXiv id is not the record's, the coverage entry must record the fix."""
    ids = seed_entries()
    arxiv = {}
    for path in (ROOT / "papers").glob("*.yaml"):
        data = yamlload.load(path.read_bytes()).data
        arxiv[path.stem] = data.get("arxiv")
    for entry in coverage():
        seed_ids = ids.get(entry["entry"], [])
        if "record" in entry and seed_ids and arxiv[entry["record"]] not in seed_ids:
            assert entry.get("fixes"), f"{entry['entry']}: seed id {seed_ids} differs from {entry['record']}; document it in `fixes`"


def test_every_topic_has_an_introduction_and_further_reading() -> None:
    for path in sorted((ROOT / "topics").glob("*.yaml")):
        data = yamlload.load(path.read_bytes()).data
        assert len(data["intro"]) >= 60, f"{path.name}: write an introduction of a paragraph or two"
        assert data.get("reading"), f"{path.name}: add further reading (a textbook chapter or survey section)"
