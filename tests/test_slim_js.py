"""Scripts ship slimmed: no whole-line comments or indentation (part of every first search), nothing else changed."""

from __future__ import annotations

import pytest


def test_scripts_ship_without_whole_line_comments_or_indentation_and_otherwise_unchanged() -> None:
    from paperkb.build import BuildFailed, slim_js

    source = b'// why\n  const url = "http://x/"; // kept\n\n    /^\\/\\/$/.test(s);\n  const t = `a ${b}`;\n'
    assert slim_js(source) == b'const url = "http://x/"; // kept\n/^\\/\\/$/.test(s);\nconst t = `a ${b}`;\n'
    with pytest.raises(BuildFailed, match="line 2 opens a template literal"):
        slim_js(b"ok;\nconst t = `first\n  second`;\n")
