"""The ``heapscope`` settings section: types, defaults, and one-line warnings for bad values."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from heapscope.lsp.options import SETTINGS, HeapscopeOptions, parse_options

MANIFEST = Path(__file__).resolve().parents[2] / "client-vscode" / "package.json"
# Settings only the extension reads: which Python runs the server, debug-session offers, tracing.
CLIENT_ONLY = {"python", "autoAttach", "trace.server"}


def test_defaults_keep_remote_hosts_off() -> None:
    options = parse_options(None)
    assert options == HeapscopeOptions()
    assert options.allow_remote_hosts is False
    assert options.snapshot_directory(Path("/ws")) is None


def test_the_section_as_the_editor_stores_it() -> None:
    options = parse_options(
        {
            "python": "/usr/bin/python3",
            "snapshotDir": " snaps ",
            "findLeaks": {"interval": 2},
            "monitor": {"interval": 0.5},
            "allowRemoteHosts": True,
            "maxSnapshots": 5,
            "diagnostics": {"minimumSeverity": "warning"},
            "autoAttach": "ask",
            "trace": {"server": "off"},
            "somethingElse": 1,
        }
    )
    assert options.snapshot_directory(Path("/ws")) == Path("/ws/snaps")
    assert (options.default_interval, options.monitor_interval) == (2.0, 0.5)
    assert options.allow_remote_hosts is True
    assert options.max_snapshots == 5
    assert options.warnings == ()
    assert options.shows("error") and options.shows("warning") and not options.shows("information")


def test_dotted_names_as_a_settings_file_spells_them() -> None:
    options = parse_options({"findLeaks.interval": 3, "diagnostics.minimumSeverity": "error"})
    assert (options.default_interval, options.diagnostic_severity) == (3.0, "error")


def test_an_empty_folder_means_the_default_one() -> None:
    assert parse_options({"snapshotDir": ""}).snapshot_directory(Path("/ws")) is None
    assert parse_options({"snapshotDir": ""}).warnings == ()


def test_bad_values_fall_back_with_a_sentence_naming_the_users_setting() -> None:
    options = parse_options(
        {
            "findLeaks": {"interval": "soon"},
            "allowRemoteHosts": "yes",
            "maxSnapshots": 1,
            "diagnostics": {"minimumSeverity": "loud"},
            "snapshotDir": 7,
        }
    )
    assert options == HeapscopeOptions()
    assert options.warnings == (
        "Setting heapscope.snapshotDir must be a path; using .heapscope/snapshots.",
        "Setting heapscope.findLeaks.interval must be a number from 0.1 to 3600; using 5.",
        "Setting heapscope.allowRemoteHosts must be true or false; using false.",
        "Setting heapscope.maxSnapshots must be a whole number from 3 to 10000; using 20.",
        "Setting heapscope.diagnostics.minimumSeverity must be one of error, warning, information, hint; "
        "using information.",
    )
    not_an_object = parse_options(["not", "an", "object"])
    assert not_an_object.warnings == ("Heapscope settings must be an object, got a list.",)


def test_the_monitors_capture_settings() -> None:
    assert (HeapscopeOptions().monitor_snapshot_every, HeapscopeOptions().monitor_on_leak) == (0.0, "none")
    options = parse_options({"monitor": {"snapshotEvery": 30, "keep": 3, "onLeak": "find-leaks"}})
    assert (options.monitor_snapshot_every, options.monitor_keep, options.monitor_on_leak) == (
        30.0,
        3,
        "find-leaks",
    )
    bad = parse_options({"monitor": {"snapshotEvery": -1, "keep": 0, "onLeak": "panic"}})
    assert (bad.monitor_snapshot_every, bad.monitor_keep, bad.monitor_on_leak) == (0.0, 5, "none")
    assert len(bad.warnings) == 3
    assert "Setting heapscope.monitor.onLeak must be one of none, find-leaks; using none." in bad.warnings


def test_every_option_has_one_setting() -> None:
    options = sorted(f.name for f in fields(HeapscopeOptions) if f.name != "warnings")
    assert sorted(setting.option for setting in SETTINGS) == options


def test_the_extension_declares_the_same_settings_defaults_and_bounds() -> None:
    """package.json is what users see; this table is what the server reads: they must agree."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    properties = manifest["contributes"]["configuration"]["properties"]
    declared = {key.removeprefix("heapscope."): value for key, value in properties.items()}
    assert set(declared) == {setting.name for setting in SETTINGS} | CLIENT_ONLY
    defaults = HeapscopeOptions()
    for setting in SETTINGS:
        entry = declared[setting.name]
        default = getattr(defaults, setting.option)
        assert entry["default"] == ("" if default is None else default), setting.name
        assert entry["type"] == {"path": "string", "choice": "string"}.get(setting.kind, setting.kind)
        assert entry.get("minimum") == setting.minimum, setting.name
        assert entry.get("maximum") == setting.maximum, setting.name
        assert tuple(entry.get("enum", ())) == setting.choices, setting.name
