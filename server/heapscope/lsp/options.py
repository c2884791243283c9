"""The ``heapscope`` settings section, read from the client into one typed, validated object.

Settings arrive as untyped JSON from ``workspace/configuration`` (or the client's
``initializationOptions``). Parsing them in one place means handlers never see a
wrong type: a bad value falls back to its default and yields a one-line warning the
server can show, instead of an exception in the middle of a command.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SETTINGS_SECTION = "heapscope"

SEVERITY_ORDER = ("error", "warning", "information", "hint")
"""Most severe first; a finding is shown when it is at least as severe as the threshold."""


MONITOR_ON_LEAK = ("none", "find-leaks")


@dataclass(frozen=True)
class HeapscopeOptions:
    """What the user can configure under ``heapscope.*`` in the editor's settings."""

    snapshot_folder: str | None = None
    """Where snapshots go; ``None`` means ``<workspace>/.heapscope/snapshots``."""
    default_interval: float = 5.0
    """Seconds between the baseline, target and final snapshots of ``findLeaks``."""
    monitor_interval: float = 1.0
    """Seconds between two memory samples of ``startMonitor``."""
    monitor_snapshot_every: float = 0.0
    """Seconds between the monitor's own snapshots; 0: none."""
    monitor_keep: int = 5
    """How many of the monitor's own snapshots to keep."""
    monitor_on_leak: str = "none"
    """``"find-leaks"``: when the monitor suspects a leak, run Find Leaks by itself."""
    allow_remote_hosts: bool = False
    """Attach to inspectors on non-loopback hosts (the inspector gives code execution)."""
    max_snapshots: int = 20
    """Snapshot files taken in this session to keep on disk; older ones are deleted."""
    diagnostic_severity: str = "information"
    """The least severe finding that still becomes a diagnostic."""
    warnings: tuple[str, ...] = field(default=(), compare=False)
    """Why some given values were ignored (one sentence each)."""

    def snapshot_directory(self, workspace_root: Path | None) -> Path | None:
        """The folder for new snapshots, or ``None`` to let the inspector pick its default."""
        if self.snapshot_folder:
            folder = Path(self.snapshot_folder).expanduser()
            if not folder.is_absolute() and workspace_root is not None:
                folder = workspace_root / folder
            return folder
        return None

    def shows(self, severity: str) -> bool:
        """Whether a finding of ``severity`` passes the diagnostic severity threshold."""
        threshold = SEVERITY_ORDER.index(self.diagnostic_severity)
        rank = SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)
        return rank <= threshold


def parse_options(raw: Any) -> HeapscopeOptions:
    """Build options from the JSON the client sent; unknown keys are ignored, bad values reported."""
    if raw is None:
        return HeapscopeOptions()
    if not isinstance(raw, Mapping):
        return HeapscopeOptions(warnings=(f"Heapscope settings must be an object, got {_json_type(raw)}.",))
    raw = _from_editor_shape(raw)
    problems: list[str] = []
    defaults = HeapscopeOptions()

    def number(key: str, default: float, minimum: float, maximum: float) -> float:
        value = raw.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or not minimum <= value <= maximum:
            problems.append(
                f"Setting heapscope.{key} must be a number from {minimum:g} to {maximum:g}; "
                f"using {default:g}."
            )
            return default
        return float(value)

    def integer(key: str, default: int, minimum: int, maximum: int) -> int:
        value = raw.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            problems.append(
                f"Setting heapscope.{key} must be a whole number from {minimum} to {maximum}; "
                f"using {default}."
            )
            return default
        return value

    def boolean(key: str, default: bool) -> bool:
        value = raw.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            problems.append(f"Setting heapscope.{key} must be true or false; using {str(default).lower()}.")
            return default
        return value

    folder = raw.get("snapshotFolder")
    if folder is not None and (not isinstance(folder, str)):
        problems.append("Setting heapscope.snapshotFolder must be a path; using .heapscope/snapshots.")
        folder = None
    severity = raw.get("diagnosticSeverity", defaults.diagnostic_severity)
    if severity not in SEVERITY_ORDER:
        problems.append(
            f"Setting heapscope.diagnosticSeverity must be one of {', '.join(SEVERITY_ORDER)}; "
            f"using {defaults.diagnostic_severity}."
        )
        severity = defaults.diagnostic_severity
    on_leak = raw.get("monitorOnLeak", defaults.monitor_on_leak)
    if on_leak not in MONITOR_ON_LEAK:
        problems.append(
            f"Setting heapscope.monitorOnLeak must be one of {', '.join(MONITOR_ON_LEAK)}; "
            f"using {defaults.monitor_on_leak}."
        )
        on_leak = defaults.monitor_on_leak
    return HeapscopeOptions(
        snapshot_folder=folder or None,
        monitor_snapshot_every=number("monitorSnapshotEvery", defaults.monitor_snapshot_every, 0, 86400),
        monitor_keep=integer("monitorKeep", defaults.monitor_keep, 1, 1000),
        monitor_on_leak=on_leak,
        default_interval=number("defaultInterval", defaults.default_interval, 0.1, 3600),
        monitor_interval=number("monitorInterval", defaults.monitor_interval, 0.1, 3600),
        allow_remote_hosts=boolean("allowRemoteHosts", defaults.allow_remote_hosts),
        max_snapshots=integer("maxSnapshots", defaults.max_snapshots, 3, 10_000),
        diagnostic_severity=severity,
        warnings=tuple(problems),
    )


# The VS Code extension's setting names (package.json) -> the server's flat keys.
_EDITOR_KEYS = {
    "snapshotFolder": ("snapshotDir",),
    "defaultInterval": ("findLeaks", "interval"),
    "monitorInterval": ("monitor", "interval"),
    "monitorSnapshotEvery": ("monitor", "snapshotEvery"),
    "monitorKeep": ("monitor", "keep"),
    "monitorOnLeak": ("monitor", "onLeak"),
    "diagnosticSeverity": ("diagnostics", "minimumSeverity"),
}


def _from_editor_shape(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """Accept the editor's nested setting names too, for clients that pass the section unchanged.

    The VS Code extension translates its settings to the flat keys; another client may
    forward ``heapscope.findLeaks.interval`` as it is, and a flat key always wins.
    """
    result = dict(raw)
    for flat, path in _EDITOR_KEYS.items():
        if flat in result:
            continue
        value: Any = raw
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        if value is not None and value != "":
            result[flat] = value
    return result


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__
