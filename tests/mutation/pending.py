"""The mutants of some modules still to run: never run, or surviving without a line in `equivalent.txt`.

    .venv/bin/mutmut run --max-children 2 $(.venv/bin/python tests/mutation/pending.py checks records)
    .venv/bin/mutmut run --max-children 2 $(.venv/bin/python tests/mutation/pending.py --fast ../paperkb-mutfast/mutants/src/paperkb checks)

`mutmut run "paperkb.checks.*"` runs every mutant of the module again, because mutmut re-runs whatever it is given by
name; a plain `mutmut run` runs what has no result yet in every module. Naming only these mutants resumes a stopped run
and confirms that new tests kill the survivors, without paying again for the mutants already killed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from summary import META, NO_TESTS, SURVIVED, equivalents, module, results


def pending(modules: list[str], meta: Path = META, fast: Path | None = None) -> list[str]:
    """Not run, survived, or "no tests" (a test written since may reach it now), after a fast pass's kills if any."""
    known = equivalents()
    wanted = set(modules)
    return sorted(
        name
        for name, code in results(meta, fast).items()
        if module(name) in wanted and (code is None or code in SURVIVED | NO_TESTS) and name not in known
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="+")
    parser.add_argument("--fast", type=Path, help="a fast pass's folder of results (fast-pass.sh prints it)")
    args = parser.parse_args()
    print(" ".join(pending(args.modules, META, args.fast)))
