"""The GitHub Actions workflows are safe by construction; these tests keep them so.

Rules (see RESEARCH.md, "Security facts"): pull requests run on `pull_request`, never `pull_request_target`; top-level
`permissions: contents: read`, with write permissions only on the Pages deploy job; `persist-credentials: false` on every
checkout; every action pinned to a full commit SHA with its version in a comment; no `${{ … }}` expression inside `run:`
(values from the event go through `env:`); and zizmor finds nothing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})\s+#\s*v\d+\.\d+\.\d+\s*$")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    if True in data:  # YAML 1.1 reads the key `on` as the boolean true
        data["on"] = data.pop(True)
    return data


def triggers(workflow: dict[str, Any]) -> set[str]:
    on = workflow["on"]
    return {on} if isinstance(on, str) else set(on)


def steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job_id, step) for job_id, job in workflow["jobs"].items() for step in job.get("steps", [])]


def run_text(workflow: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for _, step in steps(workflow))


@pytest.fixture(scope="module")
def workflows() -> dict[str, dict[str, Any]]:
    return {path.name: load(path) for path in FILES}


def test_the_three_workflows_exist(workflows: dict[str, dict[str, Any]]) -> None:
    assert {"pr.yml", "deploy.yml", "links.yml"} <= set(workflows)


def test_no_dangerous_triggers(workflows: dict[str, dict[str, Any]]) -> None:
    for name, wf in workflows.items():
        assert not triggers(wf) & {"pull_request_target", "workflow_run"}, name
    for path in FILES:  # not even in a list of events or an `if:`; comments may name it
        for line in path.read_text(encoding="utf-8").splitlines():
            assert "pull_request_target" not in line.split("#", 1)[0], f"{path.name}: {line.strip()}"


def test_triggers_are_the_intended_ones(workflows: dict[str, dict[str, Any]]) -> None:
    assert triggers(workflows["pr.yml"]) == {"pull_request"}
    deploy = workflows["deploy.yml"]
    assert triggers(deploy) == {"push"} and deploy["on"]["push"] == {"branches": ["main"]}
    links = workflows["links.yml"]
    assert "schedule" in triggers(links)
    assert not triggers(links) & {"pull_request", "push"}  # a dead external link never blocks a pull request


def test_top_level_permissions_are_read_only(workflows: dict[str, dict[str, Any]]) -> None:
    for name, wf in workflows.items():
        assert wf.get("permissions") == {"contents": "read"}, name


def test_only_the_pages_deploy_job_may_write(workflows: dict[str, dict[str, Any]]) -> None:
    writers = {}
    for name, wf in workflows.items():
        for job_id, job in wf["jobs"].items():
            perms = job.get("permissions")
            assert perms is None or isinstance(perms, dict), f"{name}:{job_id}: write permissions out as a mapping"
            writes = {k: v for k, v in (perms or {}).items() if v != "read" and v != "none"}
            if writes:
                writers[(name, job_id)] = writes
    assert writers == {("deploy.yml", "deploy"): {"pages": "write", "id-token": "write"}}


def test_every_checkout_keeps_no_credentials(workflows: dict[str, dict[str, Any]]) -> None:
    checkouts = 0
    for name, wf in workflows.items():
        for job_id, step in steps(wf):
            if step.get("uses", "").startswith("actions/checkout@"):
                checkouts += 1
                assert step.get("with", {}).get("persist-credentials") is False, f"{name}:{job_id}"
    assert checkouts >= 4


def test_every_action_is_pinned_to_a_full_sha_with_its_version(workflows: dict[str, dict[str, Any]]) -> None:
    for path in FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"^\s*(-\s+)?uses:", line):
                assert PINNED.match(line), f"{path.name}:{number}: pin to a 40-hex commit SHA with a '# vX.Y.Z' comment: {line.strip()}"
    used = {step["uses"].split("@")[0] for wf in workflows.values() for _, step in steps(wf) if "uses" in step}
    assert used == {
        "actions/checkout",
        "actions/setup-python",
        "actions/upload-artifact",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    }
    # one version of each action everywhere, so an update is one search-and-replace
    shas: dict[str, set[str]] = {}
    for wf in workflows.values():
        for _, step in steps(wf):
            if "uses" in step:
                action, sha = step["uses"].split("@")
                shas.setdefault(action, set()).add(sha)
    assert all(len(s) == 1 for s in shas.values()), shas


def test_no_expression_is_expanded_inside_run(workflows: dict[str, dict[str, Any]]) -> None:
    for name, wf in workflows.items():
        for job_id, step in steps(wf):
            assert "${{" not in step.get("run", ""), f"{name}:{job_id}: pass values to `run:` through `env:`"
    for path in FILES:  # and nothing from the event anywhere but `env:` values or non-shell settings
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "github.event." in line:
                assert re.match(r"^\s+[A-Z_]+:\s*\$\{\{", line), f"{path.name}:{number}: use github.event.* only in env:"


def test_pull_request_workflow_checks_tests_builds_and_uploads(workflows: dict[str, dict[str, Any]]) -> None:
    pr = workflows["pr.yml"]
    text = run_text(pr)
    assert "paperkb check --format github" in text
    assert "bash .ci/test" in text
    assert "paperkb build" in text
    uploads = [s for _, s in steps(pr) if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads and uploads[0]["with"]["path"].rstrip("/") == "site"


def test_data_only_gate_flags_changes_outside_records(workflows: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    gate = workflows["pr.yml"]["jobs"]["data-only"]
    script = next(s["run"] for s in gate["steps"] if "run" in s)
    assert "papers|topics" in script and "exit 1" in script
    if not shutil.which("bash") or not shutil.which("git"):
        pytest.skip("bash and git are needed to run the gate's script")

    def gate_passes(changed: list[str], renamed: tuple[tuple[str, str], ...] = ()) -> bool:
        """Run the gate's script on a pull request that writes `changed` and `git mv`s each (old, new) of `renamed`."""
        repo = tmp_path / f"repo{len(list(tmp_path.iterdir()))}"
        repo.mkdir()
        env = {
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org",
        }
        env |= {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GITHUB_STEP_SUMMARY": str(repo / "summary.md")}

        def git(*args: str) -> None:
            subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

        git("init", "-q")
        (repo / "README.md").write_text("base\n")
        for old, _ in renamed:
            (repo / old).parent.mkdir(parents=True, exist_ok=True)
            (repo / old).write_text("tags:\n  - id: peft\n    name: 参数高效微调\n    name_en: PEFT\n")
        git("add", "-A")
        git("commit", "-q", "-m", "base")
        for rel in changed:
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            (repo / rel).write_text("x\n")
        for old, new in renamed:
            (repo / new).parent.mkdir(parents=True, exist_ok=True)
            git("mv", old, new)
        git("add", "-A")
        git("commit", "-q", "-m", "change")
        result = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True)
        return result.returncode == 0

    assert gate_passes(["papers/dora.yaml", "topics/peft.yaml"])
    assert not gate_passes(["papers/dora.yaml", "src/paperkb/cli.py"])
    assert not gate_passes([".github/workflows/pr.yml"])
    assert not gate_passes(["registry/tags.yaml"])
    assert not gate_passes(["papers/nested/evil.yaml"])
    # A file moved into papers/ is also a file gone from where it was: git's rename detection showed only the new path.
    assert not gate_passes([], renamed=(("registry/tags.yaml", "papers/tags.yaml"),))
    assert not gate_passes(["papers/dora.yaml"], renamed=((".github/workflows/pr.yml", "topics/pr.yaml"),))
    assert gate_passes([], renamed=(("papers/old-name.yaml", "papers/new-name.yaml"),))  # renaming a record is a record change


def test_deploy_builds_and_publishes_with_the_pages_actions(workflows: dict[str, dict[str, Any]]) -> None:
    deploy = workflows["deploy.yml"]
    uses = [s.get("uses", "").split("@")[0] for _, s in steps(deploy)]
    assert "actions/upload-pages-artifact" in uses and "actions/deploy-pages" in uses
    assert "bash .ci/build" in run_text(deploy)
    assert deploy["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_codeowners_and_templates_exist() -> None:
    assert (ROOT / ".github" / "CODEOWNERS").is_file()
    assert (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").is_file()
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "suggest-paper.yml").read_text(encoding="utf-8"))
    assert form["name"] == "推荐论文 / suggest a paper"
    ids = {item.get("id") for item in form["body"]}
    assert {"arxiv", "topic", "why"} <= ids


def test_zizmor_finds_nothing() -> None:
    zizmor = Path(sys.executable).parent / "zizmor"
    if not zizmor.exists():
        pytest.fail("zizmor is missing; install the test extra: pip install -e '.[test]'")
    result = subprocess.run([str(zizmor), "--offline", str(WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout


# Each pin checked against the action's own repository (its tag resolved to a commit in a mirror of the repository,
# and the action's runtime read from action.yml at that commit: node24, or composite). An update changes this table
# in the same pull request, after the same check.
VERIFIED_PINS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    "actions/upload-pages-artifact": ("fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0"),
    "actions/deploy-pages": ("cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "v5.0.0"),
}


def test_every_pin_is_a_verified_commit_of_its_tag() -> None:
    for path in FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if match := PINNED.match(line):
                sha, version = VERIFIED_PINS[match["action"]]
                assert match["sha"] == sha and line.rstrip().endswith(f"# {version}"), f"{path.name}: {line.strip()}"


LOCKS = {"build": ROOT / "requirements" / "build.txt", "test": ROOT / "requirements" / "test.txt"}
REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+) \\$")


def _locked(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of sha256 hashes) for every requirement of a pip-compile lock."""
    out: dict[str, tuple[str, int]] = {}
    name = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := REQUIREMENT.match(line):
            name = match["name"].lower().replace("_", "-").replace(".", "-")
            out[name] = (match["version"], 0)
        elif line.strip().startswith("--hash=sha256:"):
            assert re.fullmatch(r"\s+--hash=sha256:[0-9a-f]{64}( \\)?", line), line
            out[name] = (out[name][0], out[name][1] + 1)
        else:
            assert not line.strip() or line.lstrip().startswith("#"), f"{path.name}: unexpected line {line!r}"
    return out


@pytest.mark.parametrize("which", sorted(LOCKS))
def test_the_locks_pin_every_package_with_hashes_and_satisfy_pyproject(which: str) -> None:
    from packaging.requirements import Requirement

    locked = _locked(LOCKS[which])
    assert all(hashes for _, hashes in locked.values()), [n for n, (_, h) in locked.items() if not h]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = list(pyproject["project"]["dependencies"]) + list(pyproject["build-system"]["requires"]) + ["pip"]
    if which == "test":
        wanted += pyproject["project"]["optional-dependencies"]["test"]
    for text in wanted:
        requirement = Requirement(text)
        name = requirement.name.lower().replace("_", "-").replace(".", "-")
        assert name in locked, f"{name} is not in {LOCKS[which].name}; run bash .ci/lock"
        assert requirement.specifier.contains(locked[name][0], prereleases=True), f"{name}=={locked[name][0]} breaks {requirement}"
    if which == "test":
        build = _locked(LOCKS["build"])
        assert all(locked.get(name, (None,))[0] == version for name, (version, _) in build.items()), "the two locks disagree"


def test_ci_installs_only_from_the_hashed_locks(workflows: dict[str, dict[str, Any]]) -> None:
    """The deploy, pull-request and link jobs install through .ci/setup.sh, which takes every package from a lock with
    --require-hashes and installs paperkb itself with --no-deps (nothing resolved, nothing unhashed)."""
    for name, wf in workflows.items():
        text = run_text(wf)
        assert "pip install" not in text, f"{name}: install through .ci/setup.sh"
    assert "bash .ci/build" in run_text(workflows["deploy.yml"]) and "bash .ci/test" in run_text(workflows["pr.yml"])
    assert "bash .ci/setup.sh" in run_text(workflows["pr.yml"]) and "bash .ci/setup.sh" in run_text(workflows["links.yml"])
    setup = (ROOT / ".ci" / "setup.sh").read_text(encoding="utf-8")
    installs = [line for line in setup.splitlines() if "pip install" in line]
    assert installs == [
        '.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$LOCK"',
        ".venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .",
    ]
    assert "LOCK=requirements/build.txt" in setup and "LOCK=requirements/test.txt" in setup
    assert "pip-compile" in (ROOT / ".ci" / "lock").read_text(encoding="utf-8")


def test_dependabot_keeps_actions_and_python_packages_current() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    ecosystems = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(ecosystems) == {"github-actions", "pip"}
    assert ecosystems["github-actions"]["directory"] == "/"
    assert set(ecosystems["pip"]["directories"]) == {"/", "/requirements"}
