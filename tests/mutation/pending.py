"""The mutants of some modules still to run: never run, or surviving without a line in `equivalent.txt`.

    .venv/bin/mutmut run --max-children 2 $(.venv/bin/python tests/mutation/pending.py checks records)

`mutmut run "paperkb.checks.*"` runs every mutant of the module again, because mutmut re-runs whatever it is given by
name; a plain `mutmut run` runs what has no result yet in every module. Naming only these mutants resumes a stopped run
and confirms that new tests kill the survivors, without paying again for the mutants already killed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from summary import META, equivalents


def pending(modules: list[str], meta: Path = META) -> list[str]:
    known = equivalents()
    out: list[str] = []
    for module in modules:
        codes = json.loads((meta / f"{module}.py.meta").read_text(encoding="utf-8"))["exit_code_by_key"]
        # not run, survived, or "no tests" (a test written since may reach it now)
        out += [name for name, code in codes.items() if code in (None, 0, 5, 33) and name not in known]
    return sorted(out)


if __name__ == "__main__":
    print(" ".join(pending(sys.argv[1:])))
