"""Parsed records remembered by their bytes: a file that did not change since the last run is not parsed again.

Reading the records is most of `paperkb check` (PyYAML's events walked by our strict loader, then pydantic: ~0.3 ms a
record, 3–4 s at 10,000), and `check`, `bib`, `build` and `serve` all start with it. Between two runs almost every file
is unchanged, so each file's result (`records.parse_file`: the model, the locations and the problems) is kept under
the SHA-256 of its path, kind and bytes, and read back with one `pickle.load` (bench/README.md has the figures).

Where: in the user's cache folder (`$PAPERKB_CACHE_DIR`, else `$XDG_CACHE_HOME/paperkb`, else `~/.cache/paperkb`),
never in the checkout. A pickle runs code when it is loaded, so it must never come from a place a pull request can
write to; one file per checkout, named by the hash of its absolute path, written only by this user (mode 0600) and
replaced atomically. It is dropped whole when paperkb's code changes (a fingerprint of every source file of the
package) or when it cannot be read. `PAPERKB_CACHE=off` turns it off (the test suite does: mutation testing changes
what the code does without changing its source).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

KEEP = 16  # cache files kept (one per checkout); the least recently used beyond this are deleted
FORMAT = 2  # 2: (file, problems with its string problems, near-duplicate item)


@cache
def fingerprint() -> str:
    """What the cached results depend on besides the bytes: every source file of the package, and the format."""
    digest = hashlib.sha256(f"{FORMAT}".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def folder() -> Path | None:
    """The cache folder, or None when caching is off."""
    if os.environ.get("PAPERKB_CACHE", "").lower() in {"0", "off", "no", "false"}:
        return None
    if os.environ.get("PAPERKB_CACHE_DIR"):
        return Path(os.environ["PAPERKB_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "paperkb"


def key(rel: str, kind: str, data: bytes) -> bytes:
    return hashlib.sha256(rel.encode("utf-8") + b"\0" + kind.encode() + b"\0" + data).digest()


class ParseCache:
    """The results of one checkout's last run; `get` and `put` during a run, `save` at its end."""

    def __init__(self, root: Path, *, save: bool = True) -> None:
        base = folder()
        self.writable = save
        name = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:24]
        self.path = base / f"records-{name}.pickle" if base else None
        self.old: dict[bytes, Any] = {}
        self.used: dict[bytes, Any] = {}
        self.misses = 0
        if self.path is not None:
            self.old = self._read(self.path)

    @staticmethod
    def _read(path: Path) -> dict[bytes, Any]:
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_uid != os.getuid():
                return {}
            with path.open("rb") as handle:
                header = pickle.load(handle)
                if header != ("paperkb-records", fingerprint()):
                    return {}
                entries = pickle.load(handle)
        except Exception:  # a cache that cannot be read is only a slower run
            return {}
        return entries if isinstance(entries, dict) else {}

    def get(self, k: bytes) -> Any | None:
        found = self.old.get(k)
        if found is not None:
            self.used[k] = found
        return found

    def put(self, k: bytes, value: Any) -> None:
        self.misses += 1
        self.used[k] = value

    def save(self) -> None:
        """Write this run's results (only those: a deleted file's entry goes), if anything changed."""
        if self.path is None or not self.writable or (not self.misses and len(self.used) == len(self.old)):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".records-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump(("paperkb-records", fingerprint()), handle, protocol=pickle.HIGHEST_PROTOCOL)
                    pickle.dump(self.used, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            others = sorted(self.path.parent.glob("records-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in others[KEEP:]:
                stale.unlink(missing_ok=True)
        except OSError:  # a read-only or full disk: the next run parses again
            return
