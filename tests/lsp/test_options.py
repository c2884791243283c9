"""The ``heapscope`` settings section: types, defaults, and one-line warnings for bad values."""

from __future__ import annotations

from pathlib import Path

from heapscope.lsp.options import HeapscopeOptions, parse_options


def test_defaults_keep_remote_hosts_off() -> None:
    options = parse_options(None)
    assert options == HeapscopeOptions()
    assert options.allow_remote_hosts is False
    assert options.snapshot_directory(Path("/ws")) is None


def test_values_from_the_client() -> None:
    options = parse_options(
        {
            "snapshotFolder": "snaps",
            "defaultInterval": 2,
            "allowRemoteHosts": True,
            "maxSnapshots": 5,
            "diagnosticSeverity": "warning",
            "somethingElse": 1,
        }
    )
    assert options.snapshot_directory(Path("/ws")) == Path("/ws/snaps")
    assert options.default_interval == 2.0
    assert options.allow_remote_hosts is True
    assert options.max_snapshots == 5
    assert options.warnings == ()
    assert options.shows("error") and options.shows("warning") and not options.shows("information")


def test_bad_values_fall_back_with_a_sentence_each() -> None:
    options = parse_options(
        {
            "defaultInterval": "soon",
            "allowRemoteHosts": "yes",
            "maxSnapshots": 1,
            "diagnosticSeverity": "loud",
        }
    )
    assert options.default_interval == 5.0
    assert options.allow_remote_hosts is False
    assert options.max_snapshots == 20
    assert options.diagnostic_severity == "information"
    assert len(options.warnings) == 4
    assert all(warning.startswith("Setting heapscope.") for warning in options.warnings)
    not_an_object = parse_options(["not", "an", "object"])
    assert not_an_object.warnings == ("Heapscope settings must be an object, got a list.",)


def test_the_editors_nested_names_are_understood() -> None:
    options = parse_options(
        {
            "snapshotDir": "/tmp/snaps",
            "findLeaks": {"interval": 2.5},
            "monitor": {"interval": 0.5},
            "diagnostics": {"minimumSeverity": "error"},
            "python": "/usr/bin/python3",
        }
    )
    assert options.snapshot_folder == "/tmp/snaps"
    assert (options.default_interval, options.monitor_interval) == (2.5, 0.5)
    assert options.diagnostic_severity == "error"
    assert options.warnings == ()
    assert parse_options({"defaultInterval": 1, "findLeaks": {"interval": 9}}).default_interval == 1.0


def test_the_monitors_capture_settings() -> None:
    assert (HeapscopeOptions().monitor_snapshot_every, HeapscopeOptions().monitor_on_leak) == (0.0, "none")
    options = parse_options({"monitor": {"snapshotEvery": 30, "keep": 3, "onLeak": "find-leaks"}})
    assert (options.monitor_snapshot_every, options.monitor_keep, options.monitor_on_leak) == (
        30.0,
        3,
        "find-leaks",
    )
    bad = parse_options({"monitorSnapshotEvery": -1, "monitorKeep": 0, "monitorOnLeak": "panic"})
    assert (bad.monitor_snapshot_every, bad.monitor_keep, bad.monitor_on_leak) == (0.0, 5, "none")
    assert len(bad.warnings) == 3
    assert any("heapscope.monitorOnLeak must be one of none, find-leaks" in w for w in bad.warnings)
