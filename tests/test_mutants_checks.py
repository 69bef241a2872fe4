"""Cross-record rules that mutation testing found unguarded in checks.py (tests/mutation/README.md).

Each test drops one record into a copy of the toy knowledge base and asserts the exact located message the rule gives,
or that a rule's edge case is accepted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from citation_helpers import CITE
from mutanttools import paper, problems, problems_of

from paperkb import checks, cli

TOPIC = "id: {id}\nname: 话题\nname_en: A Topic\norder: 30\nintro: |\n  介绍。\n"


# --- the topic tree ------------------------------------------------------------------------------------------------


def test_a_topic_with_an_unknown_parent_is_reported(toy: Path) -> None:
    lines = problems_of(toy, "topics/orphan.yaml", TOPIC.format(id="orphan") + "parent: no-such-topic\n")
    assert lines == ["topics/orphan.yaml:7:9: parent: unknown topic 'no-such-topic'; use an existing topic id or remove `parent`"]


def test_a_build_with_an_unknown_parent_stops_at_the_check_without_a_traceback(
    toy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rendering walks the topic tree (kb.topic_path); a dangling parent must be stopped by the check, never reach it."""
    (toy / "topics" / "orphan.yaml").write_text(TOPIC.format(id="orphan") + "parent: no-such-topic\n", encoding="utf-8")
    out = tmp_path / "site"
    code = cli.main(["--root", str(toy), "build", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    assert "topics/orphan.yaml:7:9: parent: unknown topic 'no-such-topic'" in captured.out + captured.err
    assert "Traceback" not in captured.out + captured.err and "KeyError" not in captured.out + captured.err
    assert not out.exists() and not (toy / ".paperkb-build").exists()


# --- arXiv ids across records --------------------------------------------------------------------------------------


@pytest.mark.parametrize("pasted", ["2106.09685v2", "https://arxiv.org/abs/2106.09685v3", "arXiv:2106.09685", " 2106.09685 "])
def test_duplicate_arxiv_ids_are_compared_after_normalising(toy: Path, pasted: str) -> None:
    """lora.yaml records 2106.09685; the same paper pasted in another form is the same paper."""
    record = paper("again", arxiv=f'"{pasted}"', year="2021", added='"2026-12-01"')  # the newer record is the one blamed
    lines = problems(toy, {"papers/again.yaml": record})
    assert (
        "papers/again.yaml:4:8: arxiv: arXiv id 2106.09685 is already recorded in papers/lora.yaml: "
        "delete this file and make your changes in papers/lora.yaml"
    ) in lines
    assert not [line for line in lines if line.startswith("papers/lora.yaml:")]


def test_different_versions_of_different_papers_are_not_duplicates(toy: Path) -> None:
    lines = problems(toy, {"papers/other.yaml": paper("other", arxiv='"2106.09686"')})
    assert not [line for line in lines if "already recorded" in line or "also recorded" in line]


# --- venue and year ------------------------------------------------------------------------------------------------


def test_a_venue_year_before_the_papers_year_is_reported(toy: Path) -> None:
    lines = problems_of(toy, "papers/late.yaml", paper("late", venue="ICLR 2020"))
    assert lines == ["papers/late.yaml:14:8: venue: venue year 2020 is before the paper's year 2021; check both"]


@pytest.mark.parametrize("venue", ["ICLR 2021", "ICLR 2022"])
def test_a_venue_in_the_papers_year_or_later_is_accepted(toy: Path, venue: str) -> None:
    assert problems_of(toy, "papers/ok.yaml", paper("ok", venue=venue)) == []


# --- characters and registries --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [0xFDD0, 0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFE, 0x1FFFF, 0x10FFFF])
def test_the_66_unicode_noncharacters_are_refused_at_both_ends_of_each_range(code: int) -> None:
    assert checks.text_problems(f"a{chr(code)}b") == [f"contains Unicode noncharacters (U+{code:04X}); delete them"]


@pytest.mark.parametrize("code", [0xFDCF, 0xFDF0, 0xFFFD, 0x1FFFD])
def test_the_characters_next_to_the_noncharacter_ranges_are_text(code: int) -> None:
    assert checks.text_problems(f"a{chr(code)}b") == []
    # beside a noncharacter on the same line (only lines with an unprintable character are scanned), still not named
    assert checks.text_problems(f"a{chr(code)}\ufffeb") == ["contains Unicode noncharacters (U+FFFE); delete them"]


def test_an_anthology_id_with_a_venue_outside_the_registry_gets_the_venue_message_only(toy: Path) -> None:
    record = paper("x-paper", anthology='"2023.emnlp-main.1"', venue='"Nowhere 2023"', year="2023", arxiv='"2306.01234"')
    assert problems_of(toy, "papers/x-paper.yaml", record) == [
        "papers/x-paper.yaml:15:8: venue: unknown venue series 'Nowhere'; use a series listed in registry/venues.yaml, "
        "or leave it out and ask for it in your pull request (a maintainer adds registry entries)"
    ]


@pytest.mark.parametrize("repo", [".", ".."])
def test_a_code_link_to_a_dot_folder_names_no_repository(toy: Path, repo: str) -> None:
    record = paper("x-paper", code=f'"openai/{repo}"')
    assert problems_of(toy, "papers/x-paper.yaml", record) == [
        f"papers/x-paper.yaml:14:7: code: 'openai/{repo}' names no repository; write the GitHub 'owner/repo' of the code"
    ]


def test_two_editions_of_the_same_year_are_refused(tmp_path: Path) -> None:
    """ "One per year": an equal year is as wrong as an earlier one (only the earlier one was tested)."""
    root = tmp_path / "kb"
    shutil.copytree(CITE, root)
    venues = root / "registry" / "venues.yaml"
    once = '      - year: 2022\n        title: "International Conference on Learning Representations"\n'
    text = venues.read_text(encoding="utf-8")
    assert once in text
    venues.write_text(text.replace(once, once + once.replace("Representations", "Representations (again)")), encoding="utf-8")
    found = [line for line in problems(root) if "editions[1]" in line]
    assert found == ["registry/venues.yaml:27:15: venues[2].editions[1].year: editions must be listed oldest first, one per year"]


def test_a_volume_from_another_year_is_located_at_its_anthology_id(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(CITE, root)
    venues = root / "registry" / "venues.yaml"
    venues.write_text(venues.read_text(encoding="utf-8").replace('- anthology: "N19-1"', '- anthology: "N18-1"'), encoding="utf-8")
    found = [line for line in problems(root) if line.startswith("registry/")]
    assert found == ["registry/venues.yaml:35:24: venues[3].editions[0].volumes[0].anthology: volume N18-1 is not from 2019"]


def test_check_reports_string_problems_unless_the_caller_has_them(toy: Path) -> None:
    """`strings=True` is the default: check() alone reports every problem, string problems with the rest."""
    from paperkb.repository import load_files

    lora = toy / "papers" / "lora.yaml"
    lora.write_text(lora.read_text(encoding="utf-8").replace('title: "LoRA', 'title: "\u200bLoRA', 1), encoding="utf-8")
    qlora = toy / "papers" / "qlora.yaml"
    qlora.write_text(qlora.read_text(encoding="utf-8").replace("id: qlora", "id: qlora2"), encoding="utf-8")
    files, _ = load_files(toy)
    every = [p.as_text() for p in checks.check(files)]
    without = [p.as_text() for p in checks.check(files, strings=False)]
    assert any("papers/lora.yaml" in line and "invisible" in line for line in every)
    assert not any("invisible" in line for line in without)
    assert any("id 'qlora2' must equal the file name" in line for line in every), "the other problems stay"
    assert set(without) < set(every)


@pytest.mark.parametrize(("count", "more"), [(3, ""), (4, " and 1 more"), (5, " and 2 more")])
def test_a_case_clash_names_three_files_and_counts_the_rest(toy: Path, count: int, more: str) -> None:
    stems = ["clash", "Clash", "CLASH", "cLash", "clAsh"][:count]
    found = problems(toy, {f"papers/{s}.yaml": paper(s, arxiv=f'"2106.0{i}234"') for i, s in enumerate(stems)})
    clash = sorted({line.split("differ only in case (", 1)[1] for line in found if "differ only in case" in line})
    names = sorted(f"papers/{s}.yaml" for s in stems)
    assert len(clash) == 1 and clash[0].startswith(", ".join(names[:3]) + more + ")"), clash


@pytest.mark.parametrize("name", ["a < b", "a > b"])
def test_a_topic_name_with_either_angle_bracket_is_refused(toy: Path, name: str) -> None:
    topic = toy / "topics" / "quantization.yaml"
    text = topic.read_text(encoding="utf-8").replace("name: 量化", f'name: "{name}"')
    found = problems_of(toy, "topics/quantization.yaml", text)
    assert any("name: is shown in the site's navigation, which treats it as HTML" in line for line in found), found


def test_an_id_that_is_a_list_is_a_message_not_a_crash(toy: Path) -> None:
    found = problems_of(toy, "papers/listid.yaml", paper("listid").replace("id: listid", "id: [listid]"))
    assert any(":1:5: id: " in line for line in found), found


# --- registries and papers after an invalid one (round 4) ----------------------------------------------------------


def _append(toy: Path, rel: str, entry: str) -> tuple[int, int]:
    """Add `entry` at the end of a registry list; its first line's number and its index in the list."""
    path = toy / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(text + entry, encoding="utf-8")
    return len(text.splitlines()) + 1, text.count("\n  - ")


def test_a_tag_may_use_an_id_reserved_for_papers_only(toy: Path) -> None:
    """`all` is refused as a paper id (cite/all.bib) but is a fine tag: tag pages live under indexes/tags/."""
    _append(toy, "registry/tags.yaml", '  - id: all\n    name: "全部"\n    name_en: "All"\n')
    assert [line for line in problems(toy) if line.startswith("registry/tags.yaml")] == []


def test_a_chinese_name_that_is_another_institutions_name_is_reported(toy: Path) -> None:
    line, index = _append(toy, "registry/institutions.yaml", '  - name: "Open Lab"\n    name_zh: "OpenAI"\n')
    found = [x for x in problems(toy) if x.startswith("registry/institutions.yaml")]
    assert found == [f"registry/institutions.yaml:{line}:5: institutions[{index}]: 'OpenAI' also names 'OpenAI'; one name, one institution"]


def test_a_paper_naming_an_institution_by_its_chinese_name_is_told_the_canonical_name(toy: Path) -> None:
    record = paper("x-paper", institutions="[谷歌]")
    assert problems_of(toy, "papers/x-paper.yaml", record) == [
        "papers/x-paper.yaml:14:16: institutions[0]: write 'Google': "
        "'谷歌' is listed as another name of 'Google' in registry/institutions.yaml"
    ]


def test_papers_after_an_invalid_one_are_still_checked_across_records(toy: Path) -> None:
    """An invalid record skips only its own fact checks: the papers after it still get theirs."""
    broken = paper("aaa-broken", year='"soon"', title='"Broken Record"', arxiv='"2106.01111"')
    later = paper("zzz", related="[no-such-paper]", title='"Later Record"', arxiv='"2106.02222"')
    lines = problems(toy, {"papers/aaa-broken.yaml": broken, "papers/zzz.yaml": later})
    assert [x for x in lines if x.startswith("papers/aaa-broken.yaml")]  # the first is invalid
    assert [x for x in lines if x.startswith("papers/zzz.yaml")] == [
        "papers/zzz.yaml:14:11: related[0]: unknown paper id 'no-such-paper'; use the id of a record in papers/"
    ]


def test_an_institution_without_a_chinese_name_leaves_the_hints_working(toy: Path) -> None:
    """name_zh is optional: an entry without one adds no empty alias, so "did you mean" still reads only names."""
    _append(toy, "registry/institutions.yaml", '  - name: "Open Lab"\n')
    record = paper("x-paper", institutions="[Open Labs]")
    assert problems_of(toy, "papers/x-paper.yaml", record) == [
        "papers/x-paper.yaml:14:16: institutions[0]: unknown institution 'Open Labs'; did you mean 'Open Lab'? "
        "(names as in registry/institutions.yaml)"
    ]


# --- one string's own problems, and the topic tree's walk (round 4) ------------------------------------------------


def test_several_bad_characters_are_listed_once_each_comma_separated() -> None:
    assert checks.text_problems("a\u200bb\u202ec\u200b") == ["contains invisible control or bidi characters (U+200B, U+202E); delete them"]
    assert checks.text_problems("a\ufffeb\ufdd0") == ["contains Unicode noncharacters (U+FDD0, U+FFFE); delete them"]
    assert checks.text_problems("\ue000 \U000f0000") == [
        "holds no text, only private-use or unassigned code points (U+E000, U+F0000); write the text"
    ]


@pytest.mark.parametrize(("ch", "name"), [("\t", "U+0009"), ("\x85", "U+0085"), ("\x0b", "U+000B"), ("\r", "U+000D")])
def test_a_control_character_that_is_also_whitespace_is_reported(ch: str, name: str) -> None:
    """Tab, NEL, VT and CR are white space to `str.split()` but controls all the same: a line is looked at whole."""
    assert checks.text_problems(f"a{ch}b") == [f"contains invisible control or bidi characters ({name}); delete them"]


@pytest.mark.parametrize("device", ["CON", "Nul"])
def test_an_institution_whose_page_would_be_a_windows_device_name_is_located(toy: Path, device: str) -> None:
    line, index = _append(toy, "registry/institutions.yaml", f'  - name: "{device}"\n')
    found = [x for x in problems(toy) if x.startswith("registry/institutions.yaml")]
    assert found == [
        f"registry/institutions.yaml:{line}:11: institutions[{index}].name: "
        f"'{device}' would get the page file '{device.lower()}.md', a device name on Windows; rename it"
    ]


def test_a_parent_written_as_a_list_is_a_located_error_not_a_traceback(toy: Path) -> None:
    lines = problems_of(toy, "topics/listed.yaml", TOPIC.format(id="listed") + "parent: [peft]\n")
    assert lines and all(line.startswith("topics/listed.yaml:7:9: parent: ") for line in lines)


def _topics(toy: Path, parents: dict[str, str]) -> list[str]:
    files = {f"topics/{tid}.yaml": TOPIC.format(id=tid) + f"parent: {parent}\n" for tid, parent in parents.items()}
    return [line for line in problems(toy, files) if "cycle" in line or "nested" in line]


CYCLE = "topics/{}.yaml:7:9: parent: topic tree has a cycle through this topic; point `parent` up the tree"


def test_only_the_topics_of_a_cycle_are_blamed_not_those_leading_into_it(toy: Path) -> None:
    """lead → ring-a ⇄ ring-b: the lead-in topic has no depth, and is not in the cycle."""
    found = _topics(toy, {"lead": "ring-a", "ring-a": "ring-b", "ring-b": "ring-a"})
    assert sorted(found) == [CYCLE.format("ring-a"), CYCLE.format("ring-b")]


def test_every_cycle_is_reported_not_only_the_last(toy: Path) -> None:
    found = _topics(toy, {"one-a": "one-b", "one-b": "one-a", "two-a": "two-b", "two-b": "two-a"})
    assert sorted(found) == [CYCLE.format(t) for t in ("one-a", "one-b", "two-a", "two-b")]
