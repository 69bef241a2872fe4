#!/bin/bash
# Stage 1 of a mutation run for the modules every record goes through (checks, yamlload): each mutant against the
# focused test files below only, in a scratch copy of the committed tree with its own mutants/ folder.
#
#   bash tests/mutation/fast-pass.sh "paperkb.checks.*" "paperkb.yamlload.*"
#   .venv/bin/mutmut run --max-children 2 $(.venv/bin/python tests/mutation/pending.py --fast ../paperkb-mutfast/mutants/src/paperkb checks yamlload)
#   .venv/bin/python tests/mutation/summary.py --fast ../paperkb-mutfast/mutants/src/paperkb
#
# Why: mutmut runs every unit test that reaches the mutated function, and every record reaches `check` and `parse`, so
# a mutant no test kills costs the whole unit suite (~140 s of CPU) and the 1,500 mutants of the two modules take
# hours. These files kill nearly all of them in a few seconds each. A kill here is a kill of the full run (the same
# tests, a subset of them); what survives here, or is not reached ("no tests"), goes to stage 2 (the second command,
# the full test selection, in the checkout itself). The copy is of HEAD: commit before you run it.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
copy=${MUTFAST:-$root/../paperkb-mutfast}
focused='["tests/test_check.py", "tests/test_check_table.py", "tests/test_mutants_checks.py", "tests/test_mutants_yamlload.py", "tests/test_mutants_records.py", "tests/test_changed.py", "tests/test_contributing.py", "tests/test_hostile_properties.py", "tests/test_parsecache.py"]'
if [ ! -d "$copy" ]; then
  git -C "$root" worktree add --detach "$copy" HEAD
fi
git -C "$copy" checkout -q -f --detach "$(git -C "$root" rev-parse HEAD)"   # the tree the names were made from
sed -i "s|^tests_dir = .*|pytest_add_cli_args_test_selection = $focused|" "$copy/pyproject.toml"
grep -q "^pytest_add_cli_args_test_selection = \[\"tests/test_check.py\"" "$copy/pyproject.toml"
cd "$copy"
echo "fast pass in $copy; its results: $copy/mutants/src/paperkb"
nice -n 19 "$root/.venv/bin/mutmut" run --max-children 2 "$@"
