"""Per-module figures of the last `mutmut run`, with the equivalent mutants of `equivalent.txt` set apart.

Run from the repository root after `mutmut run` (tests/mutation/README.md):

    .venv/bin/python tests/mutation/summary.py            # the table, then every survivor not explained
    .venv/bin/python tests/mutation/summary.py --markdown # the same table as Markdown, for the README
    .venv/bin/python tests/mutation/summary.py --fast ../paperkb-mutfast/mutants/src/paperkb  # with a fast pass's kills

A survivor is either killed by a test or listed in `equivalent.txt` with a one-line reason; anything else is printed
and the exit status is 1, so a new survivor cannot go unnoticed. Mutant names number the mutations inside a function,
so an edit to a function renumbers its mutants: a listed name that no longer survives is reported as stale.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
META = Path("mutants") / "src" / "paperkb"

# mutmut 3's exit codes (mutmut/stats.py): 1 and 3 are kills, 0 a survivor, 33/5 "no tests", the rest timeouts.
KILLED = {1, 3}
SURVIVED = {0}
NO_TESTS = {5, 33}
TIMEOUT = {24, -24, 36, 152, 255}


def equivalents(path: Path = HERE / "equivalent.txt") -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, why = line.partition(" | ")
            out[name.strip()] = why.strip()
    return out


def excluded(pyproject: Path = HERE.parent.parent / "pyproject.toml") -> set[str]:
    """Modules `do_not_mutate` leaves out: a folder made before a module was added to it still holds its mutants."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["mutmut"]
    return {Path(p).stem for p in config.get("do_not_mutate", [])}


def results(meta: Path = META, fast: Path | None = None) -> dict[str, int | None]:
    """Exit codes by mutant; with `fast`, a kill in the fast pass (fast-pass.sh) stands for the mutant.

    The fast pass runs a subset of the tests mutmut would run, so its kills are kills of the full run too. What it
    lets survive, or does not reach, counts as that until the full run says otherwise: unexplained, so pending.py
    sends it to the full run, unless equivalent.txt says why no test can kill it.
    """
    out = _codes(meta)
    if fast is not None:
        for name, code in _codes(fast).items():
            if name not in out or out[name] in KILLED | TIMEOUT:
                continue
            if code in KILLED | TIMEOUT or out[name] is None:
                out[name] = code
    return out


def _codes(meta: Path) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    skip = excluded()
    for path in sorted(meta.glob("*.py.meta")):
        if path.name.removesuffix(".py.meta") not in skip:
            out.update(json.loads(path.read_text(encoding="utf-8"))["exit_code_by_key"])
    return out


def module(name: str) -> str:
    return name.split(".")[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--fast", type=Path, help="the fast pass's folder of results (fast-pass.sh prints it)")
    args = parser.parse_args()
    codes, known = results(META, args.fast), equivalents()
    rows: dict[str, Counter[str]] = {}
    unexplained: list[str] = []
    stale = [n for n in known if n not in codes or (codes[n] is not None and codes[n] not in SURVIVED)]
    for name, code in codes.items():
        row = rows.setdefault(module(name), Counter())
        row["mutants"] += 1
        if code in KILLED:
            row["killed"] += 1
        elif code in TIMEOUT:
            row["timeout"] += 1
        elif code in SURVIVED and name in known:
            row["equivalent"] += 1
        elif code in SURVIVED:
            row["survived"] += 1
            unexplained.append(name)
        elif code in NO_TESTS:
            row["no tests"] += 1
            unexplained.append(name)
        else:
            row["not run"] += 1
    total: Counter[str] = sum(rows.values(), Counter())
    cols = ["mutants", "killed", "timeout", "survived", "no tests", "equivalent", "not run"]
    if args.markdown:
        print("| module | " + " | ".join(cols) + " | score |")
        print("|---|" + "---:|" * (len(cols) + 1))
    else:
        print(f"{'module':12} " + " ".join(f"{c[:6]:>6}" for c in cols) + "  score")
    for name, row in [*sorted(rows.items()), ("all", total)]:
        counted = row["mutants"] - row["equivalent"] - row["not run"]
        score = f"{100 * (row['killed'] + row['timeout']) / counted:.1f} %" if counted else "-"
        cells = [str(row[c]) for c in cols]
        if args.markdown:
            print(f"| {name} | " + " | ".join(cells) + f" | {score} |")
        else:
            print(f"{name:12} " + " ".join(f"{c:>6}" for c in cells) + f"  {score}")
    for name in unexplained:
        print(f"not explained: {name} ({'no tests' if codes[name] in NO_TESTS else 'survived'})", file=sys.stderr)
    for name in stale:
        print(f"stale entry in equivalent.txt (no longer a survivor): {name}", file=sys.stderr)
    return 1 if unexplained or stale else 0


if __name__ == "__main__":
    sys.exit(main())
