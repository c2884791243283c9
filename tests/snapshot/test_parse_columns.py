"""hs_parse_columns against a plain reading of its rules, on arrays long enough for its row path.

The kernel reads the rows of V8's own layouts (edges; nodes with or without the source fields)
by a faster path that gives up on anything unusual and lets the general loop read it. Both must
give the same columns, the same error at the same byte, for any text: here the arrays are
hundreds of rows long (the row path stays away from the last bytes of the buffer) and carry one
to three edits (a value too large, an edge target inside or past the nodes, a fraction, spaces,
a missing or doubled separator, a cut) placed anywhere in them. A second generator writes any
digit strings of 1-20 digits (leading zeros too) with spaces around the separators and cuts the
buffer anywhere, for the reads near the end of the buffer and the values of every length.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from heapscope.snapshot import _native

NODE_WIDTH = 7
NODE_COUNT = 50
EDGES = [_native.U8, _native.U32, _native.ORDINAL]
NODES = [_native.U8, _native.U32, _native.U32, _native.U64, _native.OFFSETS, _native.U32, _native.U8]
NODES_NO_SOURCES = [*NODES[:5], _native.SKIP, _native.SKIP]
LAYOUTS = [EDGES, NODES, NODES_NO_SOURCES]
LIMITS = {_native.U8: 0xFF, _native.U32: 0xFFFFFFFF}
INT64_MAX = 2**63 - 1
EDITS = [
    b"256",
    b"4294967296",
    b"18446744073709551615",
    b"99999999999999999999",
    b"12345678901234567890123",
    str(NODE_COUNT * NODE_WIDTH).encode(),
    b"15",
    b"1.5",
    b"2e3",
    b" 3",
    b"3 ",
    b"\r\n,4",
    b"\n",
    b",",
    b",,",
    b"]",
    b"[",
    b"x",
    b"",
    b"9223372036854775807",
]


def reference(text: bytes, rows: int, kinds: list[int]) -> tuple[int, int, int, list[list[int]]]:
    """(count or error, end, bad column, columns) by the rules hs_parse_columns documents."""
    width = len(kinds)
    total = rows * width
    columns: list[list[int]] = [[] for _ in kinds]
    n = column = running = 0
    p = 0
    size = len(text)
    spaces = b" \t\r\n"
    while p < size and text[p] in spaces:
        p += 1
    if p >= size or text[p : p + 1] != b"[":
        return -1, p, -1, columns
    p += 1
    while True:
        while p < size and text[p] in spaces:
            p += 1
        if p == size:
            return -4, size, -1, columns
        if text[p : p + 1] == b"]":
            return (0, p + 1, -1, columns) if n == 0 else (-2, p, -1, columns)
        if not text[p : p + 1].isdigit():
            return -2, p, -1, columns
        start = p
        while p < size and text[p : p + 1].isdigit():
            p += 1
        if p == size:
            return -4, size, -1, columns
        if p - start > 19:
            return -5, start, column, columns
        value = int(text[start:p])
        if text[p : p + 1] in (b".", b"e", b"E"):
            return -2, p, -1, columns
        if n >= total:
            return -3, start, -1, columns
        kind = kinds[column]
        if kind in LIMITS and value > LIMITS[kind]:
            return -5, start, column, columns
        if kind == _native.OFFSETS:
            if value > INT64_MAX - running:
                return -9, start, column, columns
            running += value
            value = running
        if kind == _native.ORDINAL:
            if value >= NODE_COUNT * NODE_WIDTH:
                return -7, start, -1, columns
            if value % NODE_WIDTH:
                return -8, start, -1, columns
            value //= NODE_WIDTH
        columns[column].append(value)
        n += 1
        column = (column + 1) % width
        while p < size and text[p] in spaces:
            p += 1
        if p == size:
            return -4, size, -1, columns
        if text[p : p + 1] == b",":
            p += 1
            continue
        if text[p : p + 1] == b"]":
            return n, p + 1, -1, columns
        return -2, p, -1, columns


@st.composite
def arrays(draw: st.DrawFn) -> tuple[bytes, int, list[int]]:
    """An array in V8's layout for one of the fast kinds, with edits; and its announced rows."""
    kinds = draw(st.sampled_from(LAYOUTS))
    rows = draw(st.integers(30, 120))
    values = []
    for _ in range(rows):
        row = []
        for kind in kinds:
            if kind == _native.ORDINAL:
                row.append(draw(st.integers(0, NODE_COUNT - 1)) * NODE_WIDTH)
            elif kind == _native.U8:
                row.append(draw(st.integers(0, 12)))
            else:
                row.append(draw(st.integers(0, 10 ** draw(st.integers(1, 12)))))
        values.append(b",".join(str(value).encode() for value in row))
    text = bytearray(b"[" + b"\n,".join(values) + b"]")
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text) - 1))
        length = draw(st.integers(0, 3))
        text[at : at + length] = draw(st.sampled_from(EDITS))
    trailing = draw(st.sampled_from([b"", b"}", b'  ,"strings":[]}']))
    announced = rows + draw(st.sampled_from([0, 0, 0, -1, 1]))
    return bytes(text) + trailing, max(announced, 0), kinds


def _reads_as_the_rules_say(case: tuple[bytes, int, list[int]]) -> None:
    """The kernel's count, end, offending column and columns equal the plain reader's."""
    text, rows, kinds = case
    buffer: Any = np.frombuffer(text, dtype=np.uint8)
    result = _native.parse_columns(_native.BufferPointer(buffer), 0, rows, kinds, NODE_WIDTH, NODE_COUNT)
    count, end, bad_column, columns = reference(text, rows, kinds)
    assert (result.count, result.end) == (count, end)
    if count in (-5, -9):
        assert result.bad_column == bad_column
    if count == rows * len(kinds):
        for kind, column, expected in zip(kinds, result.columns, columns, strict=True):
            if kind == _native.SKIP:
                assert column is None
            elif kind == _native.OFFSETS:
                assert column is not None and column.tolist() == [0, *expected]
            else:
                assert column is not None and column.tolist() == expected


@settings(max_examples=400, deadline=None)
@given(arrays())
def test_the_row_path_reads_what_the_rules_say(case: tuple[bytes, int, list[int]]) -> None:
    _reads_as_the_rules_say(case)


DIGITS = {_native.U8: 3, _native.U32: 10, _native.U64: 20, _native.OFFSETS: 7, _native.SKIP: 20}
USUAL_DIGITS = {_native.U8: 2, _native.OFFSETS: 3}
SEPARATORS = [b",", b",", b",", b",", b"\n,", b"\n,", b" ,", b", ", b"\r\n,", b"\t,\n"]


@st.composite
def texts(draw: st.DrawFn) -> tuple[bytes, int, list[int]]:
    """Any digit strings of 1-20 digits (leading zeros too), spaces around separators, edits, cuts."""
    kinds = draw(st.sampled_from(LAYOUTS))
    rows = draw(st.integers(0, 150))
    plain = draw(st.booleans())  # V8's own separators only: long stretches for the row path
    # Values and places drawn evenly from one generator: integers() would favour the first
    # bytes and small values, and end nearly every array after a few rows.
    chance = draw(st.randoms(use_true_random=True))
    parts = [b"[", draw(st.sampled_from([b"", b" ", b"\n"]))]
    for row in range(rows):
        for column, kind in enumerate(kinds):
            if kind == _native.ORDINAL:
                value = str(chance.randrange(NODE_COUNT) * NODE_WIDTH).encode()
            else:
                # Mostly short enough for the column, so that the arrays run on; any length now and then.
                longest = DIGITS[kind] if chance.random() < 0.002 else USUAL_DIGITS.get(kind, 8)
                value = "".join(chance.choices("0123456789", k=chance.randint(1, longest))).encode()
            if row or column:
                separator = chance.choice(SEPARATORS)
                parts.append((b"\n," if column == 0 else b",") if plain else separator)
            parts.append(value)
    parts.append(b"]")
    text = bytearray(b"".join(parts))
    for _ in range(draw(st.integers(0, 3))):
        at = chance.randrange(len(text) + 1)
        length = draw(st.integers(0, 3))
        text[at : at + length] = draw(st.sampled_from(EDITS))
    if draw(st.integers(0, 3)) == 0:
        text = text[: chance.randint(0, len(text))]  # the buffer ends anywhere
    else:
        text += draw(st.sampled_from([b"", b"}", b'  ,"strings":[]}', b" " * 100]))
    announced = max(rows + draw(st.sampled_from([0, 0, 0, -1, 1])), 0)
    return bytes(text), announced, kinds


@settings(max_examples=300, deadline=None)
@given(texts())
def test_any_digits_spaces_and_cuts_read_as_the_rules_say(case: tuple[bytes, int, list[int]]) -> None:
    _reads_as_the_rules_say(case)


def test_the_array_ends_at_its_first_close() -> None:
    text = np.frombuffer(b"[1,2] [3]", dtype=np.uint8)
    result = _native.parse_columns(_native.BufferPointer(text), 0, 2, [_native.U32])
    assert (result.count, result.end) == (2, 5)
    assert result.columns[0] is not None and result.columns[0].tolist() == [1, 2]


def test_a_cut_array_is_refused_where_the_buffer_ends() -> None:
    for text in (b"[1,2", b"[1,2,", b"[1,2 ", b"[12345", b"[1,2,99999999999999999999999"):
        buffer = np.frombuffer(text, dtype=np.uint8)
        result = _native.parse_columns(_native.BufferPointer(buffer), 0, 4, [_native.U32])
        assert (result.count, result.end) == (-4, len(text))
