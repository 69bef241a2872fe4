"""How far the content is from the canon it aims at (issue 11): records per area and per year, and the note standard.

    .venv/bin/python bench/content_report.py            # the repository's records
    .venv/bin/python bench/content_report.py --root DIR # another knowledge base

Areas come from `registry/canon.yaml` (a record counts once per area, by its topics or tags). The note-standard shares
use the same rules as `paperkb check`'s warnings (`paperkb.notestandard`), so the figures here and the check agree.
Seed 003 coverage counts the textbook's distinct arXiv ids that have a record, read from ../shared/data when present.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from paperkb.kb import KnowledgeBase
from paperkb.notestandard import results_name_a_number
from paperkb.repository import load_kb

ROOT = Path(__file__).resolve().parent.parent
SEED_REFERENCES = ROOT.parent / "shared" / "data" / "003_references.json"


@dataclass(frozen=True)
class Report:
    papers: int
    topics: int
    per_area: dict[str, int]
    per_year: dict[int, int]
    recent: int  # first posted 2025 or 2026
    with_limitations: int
    results_standard: int
    team_reports: int
    seed003: tuple[int, int] | None  # (ids with a record, distinct ids)


def report(kb: KnowledgeBase, canon: dict[str, object], seed_ids: set[str] | None) -> Report:
    """Counts for `kb`; pure, so a test can hold it to the numbers it promises."""
    papers = list(kb.papers)
    areas = canon.get("areas", [])
    assert isinstance(areas, list)
    per_area: dict[str, int] = {}
    for area in areas:
        topics, tags = set(area.get("topics", [])), set(area.get("tags", []))
        per_area[area["id"]] = sum(1 for p in papers if topics & set(p.topics) or tags & set(p.tags))
    arxiv = {p.arxiv for p in papers if p.arxiv}
    return Report(
        papers=len(papers),
        topics=len(kb.topics),
        per_area=per_area,
        per_year=dict(sorted(Counter(p.year for p in papers).items())),
        recent=sum(1 for p in papers if p.year >= 2025),
        with_limitations=sum(1 for p in papers if p.notes.limitations),
        results_standard=sum(1 for p in papers if results_name_a_number(p.notes.results)),
        team_reports=sum(1 for p in papers if p.team),
        seed003=(len(seed_ids & arxiv), len(seed_ids)) if seed_ids is not None else None,
    )


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f} %)" if whole else "0/0"


def as_text(r: Report, canon: dict[str, object]) -> str:
    names = {a["id"]: a["name"] for a in canon.get("areas", [])}  # type: ignore[attr-defined]
    lines = [f"{r.papers} paper records, {r.topics} topics; first posted 2025–2026: {r.recent}", "", "per area (≥ 12 asked):"]
    lines += [f"  {'ok ' if n >= 12 else '   '}{n:4d}  {area} — {names.get(area, '')}" for area, n in r.per_area.items()]
    lines += ["", "per year:"] + [f"  {year}: {n}" for year, n in r.per_year.items()]
    lines += [
        "",
        f"results name a number or say there is none: {_share(r.results_standard, r.papers)}",
        f"limitations written:                        {_share(r.with_limitations, r.papers)}",
        f"team-written reports (cited as the team):   {r.team_reports}",
    ]
    if r.seed003:
        lines.append(f"seed 003 arXiv ids with a record:           {_share(*r.seed003)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--canon", type=Path, help="areas file (default: <root>/registry/canon.yaml)")
    args = parser.parse_args(argv)
    kb, _ = load_kb(args.root)
    if kb is None:
        print("the knowledge base has errors; run paperkb check", file=sys.stderr)
        return 1
    canon = yaml.safe_load((args.canon or args.root / "registry" / "canon.yaml").read_text(encoding="utf-8"))
    seed_ids = None
    if SEED_REFERENCES.exists():
        refs = json.loads(SEED_REFERENCES.read_text(encoding="utf-8"))
        seed_ids = {r["arxiv_id"] for r in refs if r.get("arxiv_id")}
    print(as_text(report(kb, canon, seed_ids), canon))
    return 0


if __name__ == "__main__":
    sys.exit(main())
