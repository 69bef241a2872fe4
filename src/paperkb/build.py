"""The build shell: render → write only what changed → `mkdocs build --strict` → Pagefind index.

Everything here touches the disk or runs a program; what the site contains is decided in `render.py`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from paperkb import render, urls
from paperkb.kb import KnowledgeBase

WORK = ".paperkb-build"


@dataclass(frozen=True)
class WriteReport:
    written: int
    removed: int
    unchanged: int


def write_tree(dest: Path, files: dict[str, str | bytes]) -> WriteReport:
    """Make `dest` hold exactly `files`, rewriting only files whose bytes changed (so live preview stays quick)."""
    written = unchanged = removed = 0
    for rel, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = dest / rel
        if path.is_file() and path.read_bytes() == data:
            unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written += 1
    wanted = {dest / rel for rel in files}
    for path in sorted(dest.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return WriteReport(written, removed, unchanged)


def site_settings(root: Path) -> render.Settings:
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    return render.Settings(
        site_name=config["site_name"],
        site_url=config["site_url"].rstrip("/") + "/",
        repo_url=config["extra"]["repo_url"],
        templates=root / "templates",
    )


def static_files(root: Path) -> dict[str, str | bytes]:
    """Our own assets (CSS, JS) copied into the docs folder."""
    assets = root / "site_config" / "assets"
    return {f"assets/{p.name}": p.read_bytes() for p in sorted(assets.iterdir()) if p.is_file()}


def generated_config(root: Path, kb: KnowledgeBase, site_url: str | None = None) -> dict[str, Any]:
    """mkdocs.yml plus the navigation and absolute paths, for the work folder.

    `site_url` replaces the configured one for a local preview: mkdocs serve mounts the site at the URL's path.
    """
    config: dict[str, Any] = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    if site_url:
        config["site_url"] = site_url
    # Paths relative to the generated file (.paperkb-build/): mkdocs resolves them there, and Zensical refuses an
    # absolute docs_dir (bench/README.md).
    config["docs_dir"] = "docs"
    config["theme"]["custom_dir"] = str(Path("..") / config["theme"]["custom_dir"])
    config["nav"] = render.nav(kb)
    off_nav = "".join(f"/{urls.topic_page(tid)}\n" for tid in render.topics_off_nav(kb))
    if off_nav:  # reached through links only, like paper pages: without this `--strict` fails on "not in the nav"
        config["not_in_nav"] = str(config.get("not_in_nav") or "") + off_nav
    return config


def render_into(root: Path, kb: KnowledgeBase, site_url: str | None = None) -> tuple[Path, WriteReport]:
    """Render the site's Markdown and data files into the work folder; return the generated config's path."""
    work = root / WORK
    files: dict[str, str | bytes] = dict(render.render_site(kb, site_settings(root)))
    files.update(static_files(root))
    report = write_tree(work / "docs", files)
    config_path = work / "mkdocs.yml"
    text = yaml.safe_dump(generated_config(root, kb, site_url), allow_unicode=True, sort_keys=False)
    if not config_path.is_file() or config_path.read_text(encoding="utf-8") != text:
        config_path.write_text(text, encoding="utf-8")
    return config_path, report


class BuildFailed(Exception):
    """mkdocs or Pagefind failed; the message carries their output."""


def run_mkdocs(config: Path, out: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-q", "-f", str(config), "-d", str(out.resolve())]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise BuildFailed(f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}")


def run_pagefind(out: Path) -> str:
    """Index the built HTML for search; returns Pagefind's summary."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(out), "--exclude-selectors", ".headerlink", "--quiet"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BuildFailed(f"pagefind failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def build(root: Path, kb: KnowledgeBase, out: Path) -> WriteReport:
    config, report = render_into(root, kb)
    if out.exists() and not (out / "index.html").exists() and any(out.iterdir()):
        raise BuildFailed(f"{out} exists and is not a built site; choose an empty folder with --out")
    run_mkdocs(config, out)
    run_pagefind(out)
    return report


def clean(root: Path) -> None:
    shutil.rmtree(root / WORK, ignore_errors=True)
