"""How long reading a large script takes: tree-sitter parse and the queries a finding makes.

Uses the largest real JavaScript files at hand (TypeScript's own ``typescript.js`` and ``tsc.js``,
6-9 MB, installed by ``npm ci --prefix tests/leaks``) and a generated 5 MB one-line-per-function
bundle. For each: the parse, the first query (finding a function and the insertions into a name
inside it), and the same query again on the cached parse (what every further finding pays).

    .venv/bin/python bench/source_index.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from heapscope.analysis.source import source_index

ROOT = Path(__file__).resolve().parent.parent
REAL = [
    ROOT / "tests" / "leaks" / "node_modules" / "typescript" / "lib" / "typescript.js",
    ROOT / "tests" / "leaks" / "node_modules" / "typescript" / "lib" / "tsc.js",
]


def generated_bundle(directory: Path) -> Path:
    chunk = "function f{n}(a){{var s='}}//';if(a){{cache{n}.set(a,s)}}return a}}\n"
    path = directory / "bundle.js"
    path.write_text("".join(chunk.format(n=n) for n in range(75000)))
    return path


def measure(path: Path) -> None:
    text = path.read_bytes()
    lines = text.count(b"\n")
    start = time.perf_counter()
    index = source_index(str(path), text)
    parsed = time.perf_counter()
    middle = max(lines // 2, 0)
    function = index.function_at(middle, 4) or index.whole_file()
    index.insertions(["cache", "map"], function)
    first = time.perf_counter()
    again = source_index(str(path), path.read_bytes())
    assert again is index
    index.insertions(["cache", "map"], index.function_at(middle, 4) or index.whole_file())
    cached = time.perf_counter()
    print(
        f"{path.name:16} {len(text) / 1e6:5.1f} MB  parse {parsed - start:6.2f} s  "
        f"first query {first - parsed:6.3f} s  cached file + query {cached - first:6.3f} s"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        for path in [*(p for p in REAL if p.exists()), generated_bundle(Path(directory))]:
            measure(path)


if __name__ == "__main__":
    main()
