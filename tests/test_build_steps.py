"""The build's steps one by one, each on a tiny input with the real tools (mkdocs, Pagefind): quick enough for the unit
suite, so a change to any step fails here and not only in the slow whole-site builds (issue 17).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from paperkb import build, render, searchshards
from paperkb.repository import load_kb

PAGE = "<html><body><main data-pagefind-body><h1>Tiny</h1><p>zebrafinch words</p></main></body></html>"


def _mkdocs_project(tmp_path: Path, page: str) -> Path:
    """A one-page mkdocs project with the built-in theme: about half a second for a real `--strict` build."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(page, encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: tiny\ndocs_dir: docs\ntheme:\n  name: mkdocs\n", encoding="utf-8")
    return config


# ---- mkdocs -----------------------------------------------------------------------------------------------------------


def test_run_mkdocs_builds_the_site(tmp_path: Path) -> None:
    build.run_mkdocs(_mkdocs_project(tmp_path, "# 你好\n"), tmp_path / "out", jobs=1)
    assert "你好" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_run_mkdocs_is_strict_and_says_what_mkdocs_said(tmp_path: Path) -> None:
    config = _mkdocs_project(tmp_path, "# Hi\n\n[dead](no-such-page.md)\n")
    with pytest.raises(build.BuildFailed) as err:
        build.run_mkdocs(config, tmp_path / "out")
    message = str(err.value)
    assert message.startswith("mkdocs build --strict failed:\n")
    assert "no-such-page.md" in message and "strict mode" in message


def test_run_mkdocs_writes_to_the_folder_named_even_from_another_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "p").mkdir()
    config = _mkdocs_project(tmp_path / "p", "# Hi\n")
    monkeypatch.chdir(tmp_path)
    build.run_mkdocs(config, Path("rel-out"))
    assert (tmp_path / "rel-out" / "index.html").is_file()


# ---- Pagefind ---------------------------------------------------------------------------------------------------------


def test_pagefind_command_indexes_the_site_without_heading_anchors_and_quietly(tmp_path: Path) -> None:
    cmd, env = build.pagefind_command(tmp_path / "site", Path("bundle"))
    assert cmd[1:3] == ["-m", "pagefind"]
    assert cmd[cmd.index("--site") + 1] == str(tmp_path / "site")
    assert cmd[cmd.index("--output-path") + 1] == str(Path("bundle").resolve())
    assert cmd[cmd.index("--exclude-selectors") + 1] == ".headerlink"
    assert "--quiet" in cmd
    for key, value in searchshards.PAGEFIND_ENV.items():
        assert env[key] == value
    assert env["PATH"] == os.environ["PATH"], "the rest of the environment is kept"


def test_run_pagefind_writes_a_bundle(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text(PAGE, encoding="utf-8")
    build.run_pagefind(tmp_path / "site", tmp_path / "bundle")
    assert (tmp_path / "bundle" / "pagefind-entry.json").is_file()
    assert list((tmp_path / "bundle" / "fragment").glob("*.pf_fragment"))


def test_run_pagefind_failing_raises_with_its_output(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(build.BuildFailed) as err:
        build.run_pagefind(tmp_path / "empty", tmp_path / "bundle")
    assert str(err.value).startswith("pagefind failed:\n")
    assert "not able to build an index" in str(err.value)


def test_index_search_without_paper_pages_indexes_every_page_into_one_bundle(tmp_path: Path) -> None:
    """No page marked as a paper (a knowledge base with no paper yet): Pagefind's usual single bundle, and its cards."""
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text(PAGE.replace(" data-pagefind-body", ""), encoding="utf-8")
    build.index_search(out)
    assert (out / "pagefind" / "pagefind-entry.json").is_file()
    assert [p.name for p in out.iterdir() if p.name.startswith("pagefind")] == ["pagefind"]
    assert len(list((out / "search" / "cards").glob("*.json"))) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".pagefind-pages-")], "no scratch folder left"


def test_index_search_with_paper_pages_uses_scratch_folders_and_removes_them(tmp_path: Path) -> None:
    out = tmp_path / "site"
    (out / "papers" / "tiny").mkdir(parents=True)
    (out / "papers" / "tiny" / "index.html").write_text(PAGE, encoding="utf-8")
    (out / "index.html").write_text("<html><body><p>home</p></body></html>", encoding="utf-8")
    build.index_search(out)
    assert (out / "pagefind" / "pagefind-entry.json").is_file()
    assert len(list((out / "search" / "cards").glob("*.json"))) == 1, "the paper page only"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], "no scratch folder left"


def test_search_shards_refuses_a_shard_list_the_page_count_does_not_imply(tmp_path: Path) -> None:
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "terms.json").write_text('{"shards": ["../../etc"]}', encoding="utf-8")
    with pytest.raises(build.BuildFailed, match=r"`shards` must be \['pagefind/shard/1'\], not \['../../etc'\]"):
        build.search_shards(tmp_path)
    assert build.search_shards(tmp_path / "nowhere") == ["pagefind"], "no terms file: the one usual bundle"


# ---- the output folder ------------------------------------------------------------------------------------------------


def test_refuse_output_allows_a_new_an_empty_and_a_built_folder(tmp_path: Path) -> None:
    build.refuse_output(tmp_path / "new")
    (tmp_path / "empty").mkdir()
    build.refuse_output(tmp_path / "empty")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("x", encoding="utf-8")
    (tmp_path / "site" / "other.html").write_text("x", encoding="utf-8")
    build.refuse_output(tmp_path / "site")


def test_refuse_output_refuses_a_link_even_to_a_built_site(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("x", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "site", target_is_directory=True)
    with pytest.raises(build.BuildFailed, match="is a symbolic link; remove it, or name the real folder with --out"):
        build.refuse_output(tmp_path / "link")


def test_refuse_output_refuses_a_folder_of_other_files(tmp_path: Path) -> None:
    (tmp_path / "thesis").mkdir()
    (tmp_path / "thesis" / "thesis.tex").write_text("x", encoding="utf-8")
    with pytest.raises(build.BuildFailed, match="exists and is not a built site; choose an empty folder with --out"):
        build.refuse_output(tmp_path / "thesis")


# ---- writing the work folder ------------------------------------------------------------------------------------------


def test_write_tree_counts_what_it_wrote_kept_and_removed(tmp_path: Path) -> None:
    dest = tmp_path / "docs"
    assert build.write_tree(dest, {"a.md": "一", "sub/b.md": "b", "c.bin": b"\x00"}) == build.WriteReport(3, 0, 0)
    assert build.write_tree(dest, {"a.md": "一", "sub/b.md": "B", "d.md": "d"}) == build.WriteReport(2, 1, 1)
    assert (dest / "a.md").read_text(encoding="utf-8") == "一" and (dest / "sub" / "b.md").read_text() == "B"
    assert not (dest / "c.bin").exists()
    assert build.write_tree(dest, {"a.md": "一"}) == build.WriteReport(0, 2, 1)
    assert sorted(p.name for p in dest.iterdir()) == ["a.md"], "emptied folders go too"


def test_write_tree_removes_nested_empty_folders_but_keeps_the_destination(tmp_path: Path) -> None:
    dest = tmp_path / "docs"
    build.write_tree(dest, {"x/y/z.md": "z"})
    assert build.write_tree(dest, {}) == build.WriteReport(0, 1, 0)
    assert dest.is_dir() and list(dest.iterdir()) == []


def test_write_tree_replaces_a_planted_file_link_without_following_it(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep", encoding="utf-8")
    dest = tmp_path / "docs"
    dest.mkdir()
    (dest / "a.md").symlink_to(outside)
    report = build.write_tree(dest, {"a.md": "new"})
    assert report == build.WriteReport(1, 1, 0)
    assert outside.read_text(encoding="utf-8") == "keep"
    assert not (dest / "a.md").is_symlink() and (dest / "a.md").read_text(encoding="utf-8") == "new"


def test_own_folder_replaces_a_file_and_a_link_with_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    build.own_folder(tmp_path / "file")
    assert (tmp_path / "file").is_dir()
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "keep").write_text("x", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "target", target_is_directory=True)
    build.own_folder(tmp_path / "link")
    assert (tmp_path / "link").is_dir() and not (tmp_path / "link").is_symlink()
    assert (tmp_path / "target" / "keep").is_file()
    build.own_folder(tmp_path / "a" / "b")
    assert (tmp_path / "a" / "b").is_dir(), "parents are made"


def test_static_files_slims_scripts_only_and_skips_folders_and_links(tmp_path: Path) -> None:
    assets = tmp_path / "site_config" / "assets"
    (assets / "sub").mkdir(parents=True)
    (assets / "a.js").write_text("  // comment\n  let x = 1;\n", encoding="utf-8")
    (assets / "b.css").write_bytes(b"  /* kept */\n")
    (assets / "sub" / "c.js").write_text("x", encoding="utf-8")
    (assets / "link.css").symlink_to(assets / "b.css")
    assert build.static_files(tmp_path) == {"assets/a.js": b"let x = 1;\n", "assets/b.css": b"  /* kept */\n"}


# ---- rendering into the work folder -----------------------------------------------------------------------------------


def test_site_settings_end_the_url_with_one_slash(project: Path) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    url = next(line for line in text.splitlines() if line.startswith("site_url:"))
    config.write_text(text.replace(url, "site_url: https://example.org/kb//"), encoding="utf-8")
    settings = build.site_settings(project)
    assert settings.site_url == "https://example.org/kb/"
    assert settings.templates == project / "templates"


def test_generated_config_points_at_the_work_folder_and_takes_a_preview_url(project: Path) -> None:
    kb, _ = load_kb(project)
    assert kb is not None
    config = build.generated_config(project, kb, "http://127.0.0.1:8000/kb/")
    assert config["site_url"] == "http://127.0.0.1:8000/kb/"
    assert config["docs_dir"] == "docs"
    assert config["theme"]["custom_dir"].startswith("../")
    assert config["nav"]
    assert build.generated_config(project, kb)["site_url"] != "http://127.0.0.1:8000/kb/"


def test_render_into_adds_preview_pages_and_rewrites_the_config_only_when_it_changes(project: Path) -> None:
    kb, _ = load_kb(project)
    assert kb is not None
    config, report = build.render_into(project, kb)
    assert config == project / build.WORK / "mkdocs.yml" and report.written > 0 and report.removed == 0
    os.utime(config, (1, 1))
    _, again = build.render_into(project, kb)
    assert again == build.WriteReport(0, 0, report.written)
    assert config.stat().st_mtime == 1, "an unchanged config is not rewritten (mkdocs serve would rebuild)"
    _, preview = build.render_into(project, kb, "http://127.0.0.1:8000/", preview={"broken.md": "# 出错了"})
    assert (project / build.WORK / "docs" / "broken.md").read_text(encoding="utf-8") == "# 出错了"
    assert preview.written >= 2, "the preview page and the search page in preview mode"
    assert "http://127.0.0.1:8000/" in config.read_text(encoding="utf-8")


def test_render_apart_returns_what_it_rendered_or_the_problems(project: Path) -> None:
    rendered, problems = build.render_apart(project)
    assert rendered is not None and problems == []
    assert (rendered.papers, rendered.topics) == (3, 2) and rendered.report.written > 0
    lora = project / "papers" / "lora.yaml"
    lora.write_text(lora.read_text(encoding="utf-8").replace("topics: [peft]", "topics: [nope]"), encoding="utf-8")
    rendered, problems = build.render_apart(project)
    assert rendered is None and any("unknown topic 'nope'" in p.message for p in problems)


def test_render_apart_raises_what_the_forked_work_raised(project: Path) -> None:
    (project / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")  # no site_url: site_settings fails
    with pytest.raises(KeyError, match="site_url"):
        build.render_apart(project)


def test_clean_removes_the_work_folder_and_only_unlinks_a_linked_one(project: Path, tmp_path: Path) -> None:
    (project / build.WORK / "docs").mkdir(parents=True)
    build.clean(project)
    assert not (project / build.WORK).exists()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "keep").write_text("x", encoding="utf-8")
    (project / build.WORK).symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    build.clean(project)
    assert not (project / build.WORK).exists() and (tmp_path / "elsewhere" / "keep").is_file()


# ---- what the first mutation run of build.py found untested (tests/mutation/README.md) ---------------------------------


def test_run_mkdocs_reports_mkdocs_output_as_text(tmp_path: Path) -> None:
    with pytest.raises(build.BuildFailed) as err:
        build.run_mkdocs(_mkdocs_project(tmp_path, "[dead](nope.md)\n"), tmp_path / "out")
    assert "\nAborted: Aborted with 1 warnings in strict mode!\n" in str(err.value)
    assert "b'" not in str(err.value) and "\\n" not in str(err.value), "decoded, not the repr of bytes"


def test_run_pagefind_reports_its_output_as_text(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(build.BuildFailed) as err:
        build.run_pagefind(tmp_path / "empty", tmp_path / "bundle")
    assert "b'" not in str(err.value) and "\\n" not in str(err.value)


def _paper_site(out: Path, ids: list[str], shards: list[str] | None = None) -> None:
    for pid in ids:
        (out / "papers" / pid).mkdir(parents=True)
        (out / "papers" / pid / "index.html").write_text(PAGE.replace("zebrafinch", f"zebrafinch {pid}"), encoding="utf-8")
    # A marked page outside papers/: the sharded run indexes paper pages only, a whole-site run would take it too.
    (out / "other").mkdir(parents=True)
    (out / "other" / "index.html").write_text(PAGE, encoding="utf-8")
    if shards is not None:
        (out / "search").mkdir(parents=True, exist_ok=True)
        (out / "search" / "terms.json").write_text(json.dumps({"shards": shards}), encoding="utf-8")


def test_index_search_indexes_only_paper_pages_when_there_are_some(tmp_path: Path) -> None:
    out = tmp_path / "site"
    _paper_site(out, ["a"])
    build.index_search(out)
    assert len(list((out / "search" / "cards").glob("*.json"))) == 1


def test_index_search_fills_every_shard_the_search_page_merges(tmp_path: Path) -> None:
    out = tmp_path / "site"
    _paper_site(out, ["a", "b"], shards=["pagefind/shard/1"])
    build.index_search(out)
    assert (out / "pagefind" / "pagefind-entry.json").is_file() and (out / "pagefind" / "shard" / "1" / "pagefind-entry.json").is_file()
    assert len(list((out / "search" / "cards").glob("*.json"))) == 2, "a card from each shard"


def test_index_search_without_paper_pages_uses_one_bundle_whatever_the_shard_list(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text(PAGE, encoding="utf-8")
    (out / "search").mkdir()
    (out / "search" / "terms.json").write_text(json.dumps({"shards": ["pagefind/shard/1"]}), encoding="utf-8")
    build.index_search(out)
    assert not (out / "pagefind" / "shard").exists()
    assert len(list((out / "search" / "cards").glob("*.json"))) == 1


def test_index_search_links_pages_into_a_hidden_folder_beside_the_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Beside the site: hard links need the same file system; hidden: a crashed build's leftover is out of the way."""
    seen: list[Path] = []
    link = searchshards.link_pages

    def record(site: Path, pages: list[str], dest: Path) -> None:
        seen.append(dest)
        link(site, pages, dest)

    monkeypatch.setattr(searchshards, "link_pages", record)
    out = tmp_path / "site"
    _paper_site(out, ["a"])
    build.index_search(out)
    assert [d.parent for d in seen] == [tmp_path] and seen[0].name.startswith(".pagefind-pages-")


def test_a_card_error_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from paperkb import searchcards

    def fail(site: Path, bundles: list[str] | None = None) -> int:
        raise searchcards.CardError("x.pf_fragment: unexpected fragment name")

    monkeypatch.setattr(searchcards, "write_cards", fail)
    out = tmp_path / "site"
    _paper_site(out, ["a"])
    with pytest.raises(build.BuildFailed) as err:
        build.index_search(out)
    assert str(err.value) == (
        "search cards: x.pf_fragment: unexpected fragment name; pin the Pagefind version in requirements/ or update searchcards.py"
    )


def test_search_shards_without_a_shard_list_is_the_usual_bundle(tmp_path: Path) -> None:
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "terms.json").write_text("{}", encoding="utf-8")
    assert build.search_shards(tmp_path) == ["pagefind"]


def test_shard_pages_takes_any_whole_number_from_1() -> None:
    assert build.shard_pages(1) == 1 and build.shard_pages(3500) == 3500
    for bad in (0, -1, True, 2.0, "10"):
        with pytest.raises(build.BuildFailed, match=r"extra\.search_shard_pages must be a whole number of pages ≥ 1"):
            build.shard_pages(bad)


def test_site_settings_come_from_mkdocs_yml(project: Path) -> None:
    config = project / "mkdocs.yml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data.update(site_name="别的名字", site_url="https://example.org/LLMX")
    data["extra"].update(repo_url="https://github.com/someone/else", search_shard_pages=7)
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    settings = build.site_settings(project)
    assert (settings.site_name, settings.site_url, settings.repo_url) == (
        "别的名字",
        "https://example.org/LLMX/",
        "https://github.com/someone/else",
    )
    assert settings.search_shard_pages == 7
    del data["extra"]["search_shard_pages"]
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert build.site_settings(project).search_shard_pages == searchshards.SHARD_PAGES


def test_the_generated_config_reads_like_mkdocs_yml(project: Path) -> None:
    """Keys in mkdocs.yml's order and Chinese as typed: it is the file to read when a build goes wrong."""
    kb, _ = load_kb(project)
    assert kb is not None
    config, _ = build.render_into(project, kb)
    text = config.read_text(encoding="utf-8")
    assert "参数高效微调" in text and "\\u" not in text
    source = list(yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8")))
    assert list(yaml.safe_load(text))[: len(source)] == source


def test_build_renders_then_runs_mkdocs_then_pagefind(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, Path, Path | None]] = []
    monkeypatch.setattr(build, "run_mkdocs", lambda config, out, jobs=None: calls.append(("mkdocs", config, out)))
    monkeypatch.setattr(build, "index_search", lambda out: calls.append(("pagefind", out, None)))
    kb, _ = load_kb(project)
    assert kb is not None
    report = build.build(project, kb, tmp_path / "site")
    assert calls == [("mkdocs", project / build.WORK / "mkdocs.yml", tmp_path / "site"), ("pagefind", tmp_path / "site", None)]
    assert report.written == len(list((project / build.WORK / "docs").rglob("*.*")))


def test_render_apart_passes_on_an_exception_that_does_not_pickle(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from paperkb import repository

    class Local(Exception):  # defined in a function: pickle cannot name it
        pass

    def fail(root: Path) -> Any:
        raise Local("boom")

    monkeypatch.setattr(repository, "load_kb", fail)
    with pytest.raises(RuntimeError, match=r"^Local\('boom'\)$"):
        build.render_apart(project)


def test_render_apart_leaves_no_child_process_behind(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pids: list[int] = []
    fork = os.fork

    def recording_fork() -> int:
        pid = fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording_fork)
    build.render_apart(project)
    assert len(pids) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(pids[0], os.WNOHANG)  # already reaped: no zombie left


def test_refuse_links_names_every_link_and_the_remedy(project: Path) -> None:
    (project / "templates" / "a.j2").symlink_to(project / "mkdocs.yml")
    (project / "site_config" / "b.css").symlink_to(project / "mkdocs.yml")
    with pytest.raises(build.BuildFailed) as err:
        build.refuse_links(project)
    assert str(err.value) == (
        "templates/a.j2, site_config/b.css: symbolic link(s) in the site's configuration; the build reads only regular "
        "files of the checkout (a link could copy any file of this machine into the site) — replace each with the file itself"
    )


def test_topics_below_the_navigation_are_declared_not_in_nav(project: Path) -> None:
    """Topics deeper than the navigation shows are reached by links only; mkdocs --strict must be told, in a config
    with or without a `not_in_nav` of its own."""
    kb, _ = load_kb(project)
    assert kb is not None
    quant = kb.topic_by_id["quantization"]
    chain = [
        quant.model_copy(update={"id": f"deep{i}", "parent": "quantization" if i == 0 else f"deep{i - 1}"}) for i in range(render.NAV_DEPTH)
    ]
    deep = type(kb)(kb.papers, (*kb.topics, *chain), kb.tags, kb.institutions, kb.venues, kb.glossary)
    off = render.topics_off_nav(deep)
    assert off, "the chain goes below the navigation"
    expected = "".join(f"/topics/{tid}/index.md\n" for tid in off)
    config = project / "mkdocs.yml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert build.generated_config(project, deep)["not_in_nav"] == data["not_in_nav"] + expected
    del data["not_in_nav"]
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert build.generated_config(project, deep)["not_in_nav"] == expected
    assert "not_in_nav" not in build.generated_config(project, kb), "nothing to declare: no key"
