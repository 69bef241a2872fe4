# Sourced by .ci/build and .ci/test (and run by the workflows' check steps): create .venv and install paperkb with
# what the chosen step needs.
# Idempotent, so the README's commands can be run again and again on the same machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# Every package from the lock, each file checked against its hash (pip, setuptools and the test tools included), then
# paperkb itself without resolving anything more. Refresh the locks with `bash .ci/lock` (CONTRIBUTING.md).
LOCK=requirements/build.txt
if [ "${PAPERKB_EXTRAS:-}" = "[test]" ]; then
  LOCK=requirements/test.txt
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$LOCK"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .

# Debian packages the real-tool tests drive: Chromium for the browser tests, BibTeX and biber for citations.
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "paperkb: need Debian packages ${missing[*]}; run as root or install them first" >&2
      exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
