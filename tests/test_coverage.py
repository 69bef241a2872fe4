"""Nothing from the seed lists is silently dropped: every seed entry maps to a record or to a stated reason.

The facts each rule needs (entry names, the seed's titles and arXiv ids) are committed in registry/seed-coverage.yaml,
so these tests run on any clone, the pull-request workflow included. Where the seeds are beside the repository
(../shared, as in CI here), one more test re-derives those facts from the seeds and fails when the committed copy has
drifted. Entries are found with the rule the coverage file was made with: seed 001 splits at each top-level `- `
bullet under a heading; seed 002 at each numbered classic (`1. Transformer`); seed 003 is the textbook's reference
lists, one entry per chapter and reference number (parsed into ../shared/data/003_references.json).
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT

from paperkb import yamlload
from paperkb.identifiers import normalise_arxiv

SEEDS = ROOT.parent / "shared" / "seeds"
REFERENCES = ROOT.parent / "shared" / "data" / "003_references.json"
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
def test_committed_seed_facts_match_the_seeds() -> None:
    """The copy of the seeds' facts in the coverage file is what the seeds say (001, 002 and 003)."""
    expected = seed_entries()
    assert len(expected) == 139
    committed = {e["entry"]: e.get("arxiv", []) for e in coverage() if e["seed"] in ("001", "002")}
    assert committed == expected, set(committed.items()) ^ set((k, tuple(v)) for k, v in expected.items())
    refs = json.loads(REFERENCES.read_text(encoding="utf-8"))
    textbook = {f"ch{r['chapter']}-{r['ref_no']:02d}": r.get("arxiv_id") for r in refs}
    assert {e["entry"]: e.get("arxiv") for e in coverage() if e["seed"] == "003"} == textbook


def test_every_entry_is_listed_once() -> None:
    names = [(e["seed"], e["entry"]) for e in coverage()]
    assert len(names) == len(set(names))
    assert sum(1 for seed, _ in names if seed in ("001", "002")) == 139
    assert sum(1 for seed, _ in names if seed == "003") == 265


def test_every_textbook_paper_cited_by_arxiv_id_has_a_record_or_a_reason() -> None:
    """Issue 11: the 103 distinct arXiv ids of seed 003 each get a record unless not about language/foundation models."""
    for entry in coverage():
        if entry["seed"] == "003" and entry.get("arxiv"):
            assert "todo" not in entry, f"003 {entry['entry']} ({entry['arxiv']}) is cited by arXiv id: write its record or a skip reason"


def test_coverage_points_at_real_records_or_gives_a_reason() -> None:
    papers = {p.stem for p in (ROOT / "papers").glob("*.yaml")}
    for entry in coverage():
        assert sum(key in entry for key in ("record", "skip", "todo")) == 1, entry
        if "todo" in entry:
            assert entry["seed"] == "003" and len(entry["todo"]) >= 10, f"{entry['entry']}: `todo` needs a reason"
            continue
        if "record" in entry:
            assert entry["record"] in papers, f"{entry['entry']} points at missing record {entry['record']}"
        else:
            assert len(entry["skip"]) >= 10, f"{entry['entry']}: a skip needs a reason"


def test_a_record_that_departs_from_the_seed_id_says_why() -> None:
    """Where the seed's arXiv id is not the record's, the coverage entry must record the fix."""
    arxiv = {}
    for path in (ROOT / "papers").glob("*.yaml"):
        data = yamlload.load(path.read_bytes()).data
        arxiv[path.stem] = data.get("arxiv")
    for entry in coverage():
        seed_ids = entry.get("arxiv") or []
        seed_ids = [seed_ids] if isinstance(seed_ids, str) else seed_ids
        if "record" in entry and seed_ids and arxiv[entry["record"]] not in seed_ids:
            assert entry.get("fixes"), f"{entry['entry']}: seed id {seed_ids} differs from {entry['record']}; document it in `fixes`"


def test_every_topic_has_an_introduction_and_further_reading() -> None:
    for path in sorted((ROOT / "topics").glob("*.yaml")):
        data = yamlload.load(path.read_bytes()).data
        assert len(data["intro"]) >= 60, f"{path.name}: write an introduction of a paragraph or two"
        assert data.get("reading"), f"{path.name}: add further reading (a textbook chapter or survey section)"


def test_canon_areas_name_existing_topics_and_tags() -> None:
    """registry/canon.yaml counts the canon by these ids (bench/content_report.py): a typo would count zero silently."""
    canon = yamlload.load((ROOT / "registry" / "canon.yaml").read_bytes()).data
    tags = {t["id"] for t in yamlload.load((ROOT / "registry" / "tags.yaml").read_bytes()).data["tags"]}
    topics = {p.stem for p in (ROOT / "topics").glob("*.yaml")}
    assert canon["rule"] and len(canon["areas"]) == 15
    for area in canon["areas"]:
        assert area.get("topics") or area.get("tags"), area["id"]
        assert set(area.get("topics", [])) <= topics, area["id"]
        assert set(area.get("tags", [])) <= tags, area["id"]
