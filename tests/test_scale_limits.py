"""Many files must not cost quadratically: duplicate groups, deep topic trees and wide ones stay linear and bounded.

Before: 2,000 records sharing an arXiv id gave 4 million errors (78 s, 2.5 GB); 3,000 equal titles printed 207 MB of
warnings; a chain of 200 nested topics crashed the build; 1,000 flat topics put ~300 KB of navigation on every page.
Timings are generous bounds against blow-ups; sizes are asserted exactly where they are a rule.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, TOY
from sitetools import build_site, copy_project, parse

from paperkb import build, render
from paperkb.repository import load_files, load_kb


def _record(rid: str, arxiv: str, title: str) -> str:
    return (
        f'id: {rid}\ntitle: "{title}"\nshort_name: "X"\narxiv: "{arxiv}"\nyear: 2024\ntopics: [peft]\ntldr: 一句话。\n'
        'notes:\n  motivation: 动机。\n  method: 方法。\n  results: 结果。\nadded: "2026-11-24"\n'
    )


def _topic(tid: str, parent: str | None = None, order: int = 50) -> str:
    head = f"id: {tid}\nname: 主题 {tid}\nname_en: Topic {tid}\norder: {order}\nintro: 介绍。\n"
    return head + (f"parent: {parent}\n" if parent else "")


def test_a_duplicate_group_costs_one_bounded_problem_per_file(toy: Path) -> None:
    for n in range(2000):
        (toy / "papers" / f"same-id-{n:04d}.yaml").write_text(_record(f"same-id-{n:04d}", "2401.00001", f"Distinct {n}"), encoding="utf-8")
    for n in range(3000):
        text = _record(f"same-title-{n:04d}", f"2402.{n + 10000:05d}", "One Title For All")
        (toy / "papers" / f"same-title-{n:04d}.yaml").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    _, problems = load_files(toy)
    elapsed = time.perf_counter() - started
    same_id = [p for p in problems if p.field == "arxiv" and "2401.00001" in p.message]
    same_title = [p for p in problems if p.field == "title" and p.severity == "warning"]
    # every record but the one kept (the oldest, then the first path) is blamed once, and names the one kept
    assert len(same_id) == 1999 and len(same_title) == 2999
    assert {p.path for p in same_id} == {f"papers/same-id-{n:04d}.yaml" for n in range(1, 2000)}
    assert all(len(p.as_text()) < 250 for p in same_id + same_title), max((p.as_text() for p in same_id + same_title), key=len)
    assert same_id[0].message == (
        "arXiv id 2401.00001 is already recorded in papers/same-id-0000.yaml: "
        "delete this file and make your changes in papers/same-id-0000.yaml"
    )
    assert same_title[-1].message.startswith("likely the same paper as papers/same-title-0000.yaml (the same title")
    assert elapsed < 60, f"{elapsed:.0f} s"


def test_two_records_with_one_id_blame_the_newer_and_name_the_other(toy: Path) -> None:
    """Two records of one paper: the newer (later `added`, then path) is told to go, naming the record to edit; the
    untouched older record gets no error."""
    (toy / "papers" / "twin.yaml").write_text(_record("twin", "2106.09685", "Another LoRA"), encoding="utf-8")
    _, problems = load_files(toy)
    assert [p.as_text() for p in problems if p.field == "arxiv"] == [
        "papers/twin.yaml:4:8: arxiv: arXiv id 2106.09685 is already recorded in papers/lora.yaml: "
        "delete this file and make your changes in papers/lora.yaml",
    ]
    # with an older `added`, the other record is the newer one
    text = (toy / "papers" / "twin.yaml").read_text(encoding="utf-8")
    (toy / "papers" / "twin.yaml").write_text(text.replace('added: "2026-11-24"', 'added: "2026-01-01"'), encoding="utf-8")
    _, problems = load_files(toy)
    assert [p.path for p in problems if p.field == "arxiv"] == ["papers/lora.yaml"]
    # ... unless the file being checked is twin.yaml: the file a contributor works on is the one blamed
    _, problems = load_files(toy, focus={"papers/twin.yaml"})
    assert [p.path for p in problems if p.field == "arxiv"] == ["papers/twin.yaml"]


@pytest.mark.parametrize(("chain", "too_deep"), [(10, 0), (11, 1), (200, 190)])
def test_topics_nest_at_most_ten_levels(toy: Path, chain: int, too_deep: int) -> None:
    """A chain of 200 nested topics crashed the build (recursion in the navigation); now it is a located error per topic
    below the tenth level, computed in one pass."""
    for n in range(chain):
        (toy / "topics" / f"level-{n:03d}.yaml").write_text(_topic(f"level-{n:03d}", f"level-{n - 1:03d}" if n else None), encoding="utf-8")
    started = time.perf_counter()
    _, problems = load_files(toy)
    deep = [p for p in problems if "levels deep" in p.message]
    assert len(deep) == too_deep
    if too_deep:
        assert deep[0].as_text() == (
            "topics/level-010.yaml:6:9: parent: topic is nested 11 levels deep; topics nest at most 10 levels — choose a parent higher up"
        )
    assert time.perf_counter() - started < 30


def test_cycles_are_found_in_one_pass_and_topics_below_them_are_not_called_deep(toy: Path) -> None:
    for n in range(300):  # one long cycle
        (toy / "topics" / f"ring-{n:03d}.yaml").write_text(_topic(f"ring-{n:03d}", f"ring-{(n + 1) % 300:03d}"), encoding="utf-8")
    (toy / "topics" / "hanging.yaml").write_text(_topic("hanging", "ring-000"), encoding="utf-8")
    _, problems = load_files(toy)
    cycle = {p.path for p in problems if "cycle" in p.message}
    assert cycle == {f"topics/ring-{n:03d}.yaml" for n in range(300)}
    assert not [p for p in problems if "levels deep" in p.message]


def _wide_kb(root: Path, flat: int, children: int) -> None:
    for n in range(flat):
        (root / "topics" / f"flat-{n:04d}.yaml").write_text(_topic(f"flat-{n:04d}", order=100 + n), encoding="utf-8")
    for n in range(children):
        (root / "topics" / f"child-{n:03d}.yaml").write_text(_topic(f"child-{n:03d}", "peft", order=n), encoding="utf-8")
    for n in range(6):  # a chain below peft, deeper than the navigation shows
        parent = f"deep-{n - 1}" if n else "child-000"
        (root / "topics" / f"deep-{n}.yaml").write_text(_topic(f"deep-{n}", parent), encoding="utf-8")


def _nav_pages(items: list[Any]) -> int:
    count = 0
    for item in items:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        count += _nav_pages(value) if isinstance(value, list) else 1
    return count


def test_the_navigation_is_bounded_and_lists_the_rest_as_off_nav(toy: Path) -> None:
    _wide_kb(toy, flat=1000, children=100)
    kb, problems = load_kb(toy)
    assert kb is not None, problems
    index, *topics = render.nav(kb)[1]["主题"]
    assert index == "topics/index.md"  # the section opens the whole tree
    assert len(topics) == render.NAV_CHILDREN  # 1,000 flat topics, 40 in the navigation
    assert _nav_pages(topics) <= render.NAV_CHILDREN * render.NAV_CHILDREN + render.NAV_CHILDREN
    off = render.topics_off_nav(kb)
    assert len(off) + _nav_pages(topics) == len(kb.topics)
    assert "deep-0" not in off and "deep-1" in off  # peft › child-000 › deep-0 is three levels; deep-1 is linked from deep-0
    config = build.generated_config(ROOT, kb)
    listed = set(config["not_in_nav"].split())
    assert {f"/topics/{tid}/index.md" for tid in off} <= listed and "/papers/" in listed


@pytest.mark.slow
def test_a_wide_topic_tree_builds_strictly_with_bounded_navigation_on_every_page(tmp_path: Path) -> None:
    """The real build: topics left out of the navigation pass `mkdocs build --strict`, every page's navigation holds at
    most three levels of 40 topics, and each left-out topic is linked from its parent's page or the home page."""
    project = copy_project(tmp_path / "project", TOY, ROOT)
    _wide_kb(project, flat=60, children=45)
    site = build_site(project, project / "site")
    kb, _ = load_kb(project)
    assert kb is not None
    bound = 3 * render.NAV_CHILDREN
    for page in sorted(site.rglob("index.html")):
        topic_links = [
            a
            for tag, a in parse(page).tags
            if tag == "a" and "md-nav__link" in (a.get("class") or "") and "topics/" in (a.get("href") or "")
        ]
        assert len(topic_links) <= bound, (page, len(topic_links))

    def links(page: Path) -> set[str | None]:
        return {a.get("href") for tag, a in parse(page).tags if tag == "a"}

    off = render.topics_off_nav(kb)
    assert len(off) > 25 and {f"deep-{n}" for n in range(1, 6)} <= set(off)  # past the 40th of a level, and level 4 on
    for tid in off:
        parent = kb.topic_by_id[tid].parent
        assert (site / "topics" / tid / "index.html").is_file(), tid
        if parent is None:
            assert f"topics/{tid}/" in links(site / "index.html"), tid
        else:
            assert f"../{tid}/" in links(site / "topics" / parent / "index.html"), tid
    shutil.rmtree(site)
