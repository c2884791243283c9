"""How `make pytest` shares the tests between its pytest-xdist workers (``-n 2 --dist loadgroup``).

Every module's tests stay together on one worker, in their order, so a module- or session-scoped
fixture (a built wheel, a live language server, a program's snapshots) is computed once, as in a
run without workers. A module can spread its tests instead: its conftest gives each test an
``xdist_group`` of its own first (the leak corpus does, since each case waits seconds on a real
program and the cases are independent). Without xdist nothing here applies.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput"):  # not an xdist worker
        return
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
