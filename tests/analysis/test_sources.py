"""Script URLs to paths, packages, and the source scans that find the inserting line."""

from __future__ import annotations

import pytest

from heapscope.analysis.sources import (
    function_body_lines,
    insertion_lines,
    is_user_path,
    package_bindings,
    package_of,
    script_url_to_path,
)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/srv/app/main.js", "/srv/app/main.js"),
        ("file:///srv/app/main.mjs", "/srv/app/main.mjs"),
        ("file:///srv/my%20app/main.mjs", "/srv/my app/main.mjs"),
        ("node:internal/timers", None),
        ("node:events", None),
        ("evalmachine.<anonymous>", None),
        ("", None),
    ],
)
def test_script_url_to_path(url: str, path: str | None) -> None:
    assert script_url_to_path(url) == path


def test_packages() -> None:
    assert package_of("/app/node_modules/lru-cache/index.js") == "lru-cache"
    assert package_of("/app/node_modules/@scope/pkg/lib/a.js") == "@scope/pkg"
    assert package_of("/app/node_modules/a/node_modules/b/x.js") == "b"
    assert package_of("/app/src/a.js") is None
    assert is_user_path("/app/src/a.js") and not is_user_path("/app/node_modules/a/x.js")


def test_package_bindings() -> None:
    lines = [
        "const stats = require('route-stats');",
        'const { observe, registry: reg } = require("route-stats/lib");',
        "import x, { a as b } from 'route-stats';",
        "const other = require('other');",
    ]
    assert package_bindings(lines, "route-stats") == ["stats", "observe", "reg", "x", "b"]


SOURCE = """\
function remember(key, value) {
  const entry = { value, at: Date.now() };   // not an insertion
  if (key === '{') { return; }
  cache.set(key, entry);
}
function other() {
  cache.get('x');
}
const handler = (job) => jobs.push(job);
registry[name] = thing;
""".splitlines()


def test_function_body_by_braces() -> None:
    assert function_body_lines(SOURCE, 0, 17) == range(0, 5)
    assert function_body_lines(SOURCE, 5, 14) == range(5, 8)


def test_insertion_lines() -> None:
    assert insertion_lines(SOURCE, "cache") == [3]
    assert insertion_lines(SOURCE, "cache", range(5, 8)) == []
    assert insertion_lines(SOURCE, "jobs") == [8]
    assert insertion_lines(SOURCE, "registry") == [9]
    assert insertion_lines(SOURCE, "not a name") == []
