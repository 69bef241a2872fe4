"""The mutants of some modules still to run: never run, or surviving without a line in `equivalent.txt`.

    .venv/bin/mutmut run --max-children 2 $(.venv/bin/python tests/mutation/pending.py checks records)
    .venv/bin/mutmut run --max-children 2 $(.venv/bin/python tests/mutation/pending.py --fast ../paperkb-mutfast/mutants/src/paperkb checks)

`mutmut run "paperkb.checks.*"` runs every mutant of the module again, because mutmut re-runs whatever it is given by
name; a plain `mutmut run` runs what has no result yet in every module. Naming only these mutants resumes a stopped run
and confirms that new tests kill the survivors, without paying again for the mutants already killed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from summary import KILLED, META, TIMEOUT, equivalents


def pending(modules: list[str], meta: Path = META, fast: Path | None = None) -> list[str]:
    known = equivalents()
    out: list[str] = []
    for module in modules:
        codes = _codes(meta, module)
        killed_fast = {n for n, c in _codes(fast, module).items() if c in KILLED | TIMEOUT} if fast else set()
        # not run, survived, or "no tests" (a test written since may reach it now), and not killed by a fast pass
        out += [n for n, c in codes.items() if c in (None, 0, 5, 33) and n not in known and n not in killed_fast]
    return sorted(out)


def _codes(meta: Path, module: str) -> dict[str, int | None]:
    path = meta / f"{module}.py.meta"
    return json.loads(path.read_text(encoding="utf-8"))["exit_code_by_key"] if path.exists() else {}


if __name__ == "__main__":
    args = sys.argv[1:]
    fast = Path(args.pop(args.index("--fast") + 1)) if "--fast" in args else None
    print(" ".join(pending([a for a in args if a != "--fast"], META, fast)))
