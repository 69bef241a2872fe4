"""Configuration invariants that keep contributed records inert, as tests: whoever changes one of them meets the reason.

- No plugin or Markdown extension that evaluates templates or reads files: mkdocs-macros runs `{{ … }}` on the build
  machine, `pymdownx.snippets` inlines any file a page names (`.git/config` with the checkout token, `.env`) and says of
  itself that it is not meant for user-facing sites.
- No `repo_url` and no theme fonts: Material would make every visitor's browser call GitHub's API and Google Fonts.
- Dependency floors above releases with known vulnerabilities.
- Jinja fails on a misspelt variable and escapes HTML by default.
"""

from __future__ import annotations

import importlib.metadata
import tomllib
from functools import cache
from typing import Any

import jinja2
import markdown
import pytest
from citation_helpers import toy_kb
from conftest import ROOT
from mkdocs.utils.yaml import yaml_load
from packaging.requirements import Requirement

from paperkb import build
from paperkb.render import SiteRenderer

# Plugins and extensions that run code or read files named by page content.
FORBIDDEN_PLUGINS = {"macros", "mkdocs-macros", "gen-files", "rss", "include-markdown", "markdown-exec", "exec", "jinja", "simple-hooks"}
FORBIDDEN_WORDS = ("snippet", "include", "macro", "exec", "jinja")
# Package -> (the last release the floor must exclude, the floor, why). A floor may rise, never fall below these.
FLOORS = {
    "mkdocs-material": ("9.7.6", "9.7.7", "XSS in the search results, fixed in 9.7.7 (issue 8)"),
    "pymdown-extensions": ("10.21.2", "10.21.3", "known-vulnerable releases below 10.21.3 (issue 8)"),
    "jinja2": ("3.1.3", "3.1.4", "CVE-2024-34064: the xmlattr filter let keys inject attributes"),
    "pyyaml": ("5.3.1", "5.4", "CVE-2020-14343: full_load could run arbitrary code"),
}


@cache
def mkdocs_config() -> dict[str, Any]:
    with (ROOT / "mkdocs.yml").open(encoding="utf-8") as f:
        config: dict[str, Any] = yaml_load(f)
    return config


def names(items: list[Any] | dict[str, Any] | None) -> list[str]:
    """Plugin or extension names from the list-or-mapping forms mkdocs.yml allows."""
    if isinstance(items, dict):
        return list(items)
    return [next(iter(item)) if isinstance(item, dict) else str(item) for item in items or []]


def configs_under_test() -> list[tuple[str, dict[str, Any]]]:
    """mkdocs.yml as committed, and the configuration `paperkb build` actually hands to mkdocs."""
    return [("mkdocs.yml", mkdocs_config()), ("generated", build.generated_config(ROOT, toy_kb()))]


@pytest.mark.parametrize(("label", "config"), configs_under_test(), ids=["mkdocs.yml", "generated"])
def test_no_plugin_evaluates_or_includes(label: str, config: dict[str, Any]) -> None:
    plugins = {name.removeprefix("mkdocs-").removesuffix("-plugin") for name in names(config.get("plugins"))}
    assert not plugins & FORBIDDEN_PLUGINS, f"{label}: {plugins & FORBIDDEN_PLUGINS} evaluates or includes contributed text"
    assert not [p for p in plugins if any(word in p for word in FORBIDDEN_WORDS)], plugins
    assert "hooks" not in config, f"{label}: hooks run Python on every page; keep generation in paperkb"


@pytest.mark.parametrize(("label", "config"), configs_under_test(), ids=["mkdocs.yml", "generated"])
def test_no_markdown_extension_can_read_files(label: str, config: dict[str, Any]) -> None:
    extensions = names(config.get("markdown_extensions"))
    assert not [e for e in extensions if any(word in e.lower() for word in FORBIDDEN_WORDS)], f"{label}: {extensions}"
    # And what those names load: no processor registered by them comes from a snippets or include module.
    md = markdown.Markdown(extensions=extensions)
    registries = [md.preprocessors, md.parser.blockprocessors, md.inlinePatterns, md.treeprocessors, md.postprocessors]
    modules = {type(item).__module__ for registry in registries for item in registry}
    assert not [m for m in modules if any(word in m for word in FORBIDDEN_WORDS)], modules


def test_theme_makes_no_third_party_request() -> None:
    config = mkdocs_config()
    assert config["theme"].get("font") is False, "theme.font must be false: no Google Fonts"
    assert "repo_url" not in config, "repo_url makes Material fetch GitHub's API from every visitor's browser; use extra.repo_url"


@pytest.mark.parametrize("package", sorted(FLOORS))
def test_dependency_floors_exclude_known_vulnerable_releases(package: str) -> None:
    last_bad, floor, reason = FLOORS[package]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = {Requirement(r).name.lower(): Requirement(r) for r in pyproject["project"]["dependencies"]}
    if package == "pymdown-extensions" and package not in requirements:
        pytest.skip("pymdown-extensions is not a dependency")
    assert package in requirements, f"{package} is used; declare it with a floor of {floor} ({reason})"
    spec = requirements[package].specifier
    assert not spec.contains(last_bad, prereleases=True), f"{package}{spec} allows {last_bad}; require >={floor} ({reason})"
    assert not spec.contains("0.1", prereleases=True), f"{package}{spec} has no floor; require >={floor} ({reason})"
    assert spec.contains(importlib.metadata.version(package), prereleases=True), f"installed {package} is outside {spec}"


def test_jinja_is_strict_and_escapes() -> None:
    env = SiteRenderer(toy_kb()).env
    assert env.undefined is jinja2.StrictUndefined
    assert env.autoescape is True or (callable(env.autoescape) and env.autoescape("paper.md.j2"))
    assert env.from_string("{{ x }}").render(x='<b onclick="1">') == "&lt;b onclick=&#34;1&#34;&gt;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ paper.titel }}").render(paper={})
