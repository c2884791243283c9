"""The VLQ decoder and source-map lookups, against hand-computed values and small generated maps."""

from __future__ import annotations

import base64
import json
import random
from pathlib import Path

import pytest

from heapscope.analysis.source.sourcemaps import (
    SourceMap,
    SourceMapError,
    decode_vlq,
    encode_vlq,
    find_mapping_url,
    load_source_map,
)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("A", [0]),
        ("C", [1]),
        ("D", [-1]),
        ("AAAA", [0, 0, 0, 0]),
        ("AACA", [0, 0, 1, 0]),
        ("gB", [16]),
        ("hB", [-16]),
        ("2H", [123]),
        # '+' = 30 | continuation, '/' = 31 | continuation, 'D' = 3: 30 + 31 * 32 + 3 * 1024 = 4094,
        # sign bit clear -> 2047. Swapping the first two gives 4063: sign bit set -> -2031.
        ("+/D", [2047]),
        ("/+D", [-2031]),
        ("SAAS", [9, 0, 0, 9]),
        ("kBAAkB", [18, 0, 0, 18]),
    ],
)
def test_decode_known_values(text: str, values: list[int]) -> None:
    assert decode_vlq(text) == values


def test_round_trip_random_values() -> None:
    rng = random.Random(4)
    for _ in range(500):
        values = [rng.randint(-(2**30), 2**30) for _ in range(rng.randint(1, 6))]
        assert decode_vlq(encode_vlq(values)) == values


@pytest.mark.parametrize("bad", ["A!", "g", "AA=A"])
def test_bad_vlq_is_a_clear_error(bad: str) -> None:
    with pytest.raises(SourceMapError):
        decode_vlq(bad)


def _map(lines: list[list[tuple[int, int, int, int]]], sources: list[str]) -> dict[str, object]:
    """Build ``mappings`` from absolute (gen col, source, line, col) per generated line."""
    previous = [0, 0, 0]
    encoded_lines = []
    for segments in lines:
        column = 0
        encoded = []
        for gen_column, source, line, original_column in segments:
            encoded.append(
                encode_vlq(
                    [
                        gen_column - column,
                        source - previous[0],
                        line - previous[1],
                        original_column - previous[2],
                    ]
                )
            )
            column = gen_column
            previous = [source, line, original_column]
        encoded_lines.append(",".join(encoded))
    return {"version": 3, "sources": sources, "names": [], "mappings": ";".join(encoded_lines)}


def test_lookup_picks_the_segment_at_or_left_of_the_column() -> None:
    source_map = SourceMap(_map([[(0, 0, 5, 0), (10, 0, 6, 4)], [], [(2, 1, 0, 0)]], ["a.ts", "b.ts"]))
    assert source_map.original_position(0, 0) is not None
    position = source_map.original_position(0, 9)
    assert position is not None and (position.source, position.line, position.column) == ("a.ts", 5, 0)
    position = source_map.original_position(0, 30)
    assert position is not None and (position.line, position.column) == (6, 4)
    assert source_map.original_position(1, 0) is None  # a line without segments
    position = source_map.original_position(2, 0)  # left of the first segment: that segment
    assert position is not None and (position.source, position.line) == ("b.ts", 0)
    assert source_map.original_position(99, 0) is None


def test_sources_resolve_against_source_root_and_map_directory(tmp_path: Path) -> None:
    document = _map([[(0, 0, 1, 0)]], ["main.ts"])
    document["sourceRoot"] = "../src"
    source_map = SourceMap(document, base=str(tmp_path / "build"))
    assert source_map.sources == [str(tmp_path / "src" / "main.ts")]


def test_index_map_sections() -> None:
    inner = _map([[(0, 0, 3, 0)]], ["x.ts"])
    source_map = SourceMap({"version": 3, "sections": [{"offset": {"line": 10, "column": 0}, "map": inner}]})
    position = source_map.original_position(10, 0)
    assert position is not None and (position.source, position.line) == ("x.ts", 3)


def test_mapping_url_comment_forms() -> None:
    assert find_mapping_url("code();\n//# sourceMappingURL=main.js.map\n") == "main.js.map"
    assert find_mapping_url("code();\n//@ sourceMappingURL=old.map") == "old.map"
    assert find_mapping_url("a\n//# sourceMappingURL=one.map\n//# sourceMappingURL=two.map\n") == "two.map"
    assert find_mapping_url("no map here") is None


def test_load_from_file_and_inline_data_url(tmp_path: Path) -> None:
    document = _map([[(0, 0, 2, 0)]], ["../src/app.ts"])
    build = tmp_path / "build"
    build.mkdir()
    (build / "app.js.map").write_text(json.dumps(document))
    script = build / "app.js"
    script.write_text("x();\n//# sourceMappingURL=app.js.map\n")
    loaded = load_source_map(str(script))
    assert loaded is not None and loaded.sources == [str(tmp_path / "src" / "app.ts")]

    inline = build / "inline.js"
    payload = base64.b64encode(json.dumps(document).encode()).decode()
    inline.write_text(f"x();\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,{payload}\n")
    loaded = load_source_map(str(inline))
    assert loaded is not None and loaded.sources == [str(tmp_path / "src" / "app.ts")]

    plain = build / "plain.js"
    plain.write_text("x();\n")
    assert load_source_map(str(plain)) is None


def test_missing_or_broken_map_is_a_clear_error(tmp_path: Path) -> None:
    script = tmp_path / "a.js"
    script.write_text("//# sourceMappingURL=a.js.map\n")
    with pytest.raises(SourceMapError, match=r"cannot read source map .*a\.js\.map"):
        load_source_map(str(script))
    (tmp_path / "a.js.map").write_text("{not json")
    with pytest.raises(SourceMapError, match="not JSON"):
        load_source_map(str(script))
    (tmp_path / "a.js.map").write_text('{"version": 2, "mappings": ""}')
    with pytest.raises(SourceMapError, match="version"):
        load_source_map(str(script))
