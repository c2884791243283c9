"""hs_locations_by_node against a stable sort of the rows by node, on any rows.

The kernel orders V8's location rows through a table of the row naming each node; it must give
what a stable sort gives wherever it answers, refuse offsets past the last node before those
inside a node, and leave rows that name a node twice to the caller (who sorts them).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from heapscope.snapshot import _native


@st.composite
def location_rows(draw: st.DrawFn) -> tuple[np.ndarray, list[int], int, int]:
    node_width = draw(st.integers(1, 8))
    node_count = draw(st.integers(1, 60))
    width = draw(st.integers(4, 6))
    fields = draw(st.permutations(range(width)))[:4]
    count = draw(st.integers(0, min(node_count, 40)))
    unique = draw(st.booleans())
    nodes = (
        draw(st.permutations(range(node_count)))[:count]
        if unique
        else draw(st.lists(st.integers(0, node_count - 1), min_size=count, max_size=count))
    )
    if draw(st.booleans()):
        nodes = sorted(nodes)
    rows = np.array(
        draw(
            st.lists(
                st.lists(st.integers(0, 2**32 - 1), min_size=width, max_size=width),
                min_size=count,
                max_size=count,
            )
        )
        or np.zeros((0, width)),
        dtype=np.uint32,
    )
    rows = rows.reshape(count, width)
    rows[:, fields[0]] = np.array(nodes, dtype=np.uint32) * node_width
    for _ in range(draw(st.integers(0, 2)) if count else 0):
        row = draw(st.integers(0, count - 1))
        rows[row, fields[0]] = draw(
            st.sampled_from([node_count * node_width, node_count * node_width + 1, 2**32 - 1])
            | st.integers(0, node_count * node_width - 1)
        )
    return rows, fields, node_width, node_count


@settings(max_examples=300, deadline=None)
@given(location_rows())
def test_the_rows_come_out_as_a_stable_sort_by_node_orders_them(case: tuple) -> None:
    rows, fields, node_width, node_count = case
    code, columns = _native.locations_by_node(rows, fields, node_width, node_count)
    offsets = rows[:, fields[0]].astype(np.int64)
    if len(offsets) and int(offsets.max()) >= node_count * node_width:
        assert (code, columns) == (-7, [])
        return
    if np.any(offsets % node_width):
        assert (code, columns) == (-8, [])
        return
    objects = offsets // node_width
    ascending = bool(np.all(objects[1:] >= objects[:-1]))
    if not ascending and len(np.unique(objects)) < len(objects):
        assert (code, columns) == (-10, [])
        return
    assert code == 0
    order = np.argsort(objects, kind="stable")
    expected = [objects[order], *(rows[order, at] for at in fields[1:])]
    for column, want in zip(columns, expected, strict=True):
        assert column.dtype == np.uint32
        assert column.tolist() == want.tolist()
