"""The mutation report's arithmetic (tests/mutation/): how a fast pass's results combine with the full run's."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "mutation"))

import pending
import summary

NAMES = {"killed-fast": None, "survived-both": 0, "killed-full": 1, "survived-fast": None, "no-tests-fast": None}


def _meta(folder: Path, codes: dict[str, int | None]) -> Path:
    folder.mkdir(parents=True)
    data = {"exit_code_by_key": {f"paperkb.toymod.f__mutmut_{k}": v for k, v in codes.items()}}
    (folder / "toymod.py.meta").write_text(json.dumps(data), encoding="utf-8")
    return folder


def _runs(tmp_path: Path) -> tuple[Path, Path]:
    full = _meta(tmp_path / "full", NAMES)
    fast = {"killed-fast": 1, "survived-both": 0, "killed-full": 0, "survived-fast": 0, "no-tests-fast": 33}
    return full, _meta(tmp_path / "fast", fast)


def test_a_fast_kill_counts_and_a_fast_survivor_stays_a_survivor(tmp_path: Path) -> None:
    full, fast = _runs(tmp_path)
    codes = {k.rsplit("_", 1)[-1]: v for k, v in summary.results(full, fast).items()}
    assert codes == {"killed-fast": 1, "survived-both": 0, "killed-full": 1, "survived-fast": 0, "no-tests-fast": 33}


def test_without_a_fast_pass_the_full_run_alone_counts(tmp_path: Path) -> None:
    full, _ = _runs(tmp_path)
    assert {k.rsplit("_", 1)[-1]: v for k, v in summary.results(full).items()} == NAMES


def test_pending_leaves_out_what_either_run_killed(tmp_path: Path) -> None:
    full, fast = _runs(tmp_path)
    left = [n.rsplit("_", 1)[-1] for n in pending.pending(["toymod"], full, fast)]
    assert left == ["no-tests-fast", "survived-both", "survived-fast"]
    assert [n.rsplit("_", 1)[-1] for n in pending.pending(["toymod"], full)] == [
        "killed-fast",
        "no-tests-fast",
        "survived-both",
        "survived-fast",
    ]
