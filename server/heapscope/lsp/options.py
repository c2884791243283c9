"""The ``heapscope`` settings section, read from the client into one typed, validated object.

Settings arrive as untyped JSON from ``workspace/configuration`` (or the client's
``initializationOptions``), as the editor stores them: the client passes its section
through untranslated. Parsing them in one place, from one table of names, means
handlers never see a wrong type and the names in a warning are the ones the user set:
a bad value falls back to its default and yields a one-line warning the server can
show, instead of an exception in the middle of a command.
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


@dataclass(frozen=True)
class Setting:
    """One ``heapscope.*`` setting: its name as the editor shows it and what it may hold.

    The names are the ones users see in the editor's settings (``heapscope.findLeaks.interval``);
    a client passes its ``heapscope`` section through as it is, so this table is the only place
    that ties a setting's name to an option. ``client-vscode/package.json`` declares the same
    names, defaults and bounds (``tests/lsp/test_options.py`` holds the two together).
    """

    name: str
    """Dotted path inside the ``heapscope`` section."""
    option: str
    """The :class:`HeapscopeOptions` field it sets."""
    kind: str
    """``number``, ``integer``, ``boolean``, ``path`` or ``choice``."""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


SETTINGS: tuple[Setting, ...] = (
    Setting("snapshotDir", "snapshot_folder", "path"),
    Setting("findLeaks.interval", "default_interval", "number", 0.1, 3600),
    Setting("monitor.interval", "monitor_interval", "number", 0.1, 3600),
    Setting("monitor.snapshotEvery", "monitor_snapshot_every", "number", 0, 86400),
    Setting("monitor.keep", "monitor_keep", "integer", 1, 1000),
    Setting("monitor.onLeak", "monitor_on_leak", "choice", choices=MONITOR_ON_LEAK),
    Setting("allowRemoteHosts", "allow_remote_hosts", "boolean"),
    Setting("maxSnapshots", "max_snapshots", "integer", 3, 10_000),
    Setting("diagnostics.minimumSeverity", "diagnostic_severity", "choice", choices=SEVERITY_ORDER),
)


def parse_options(raw: Any) -> HeapscopeOptions:
    """Build options from the client's ``heapscope`` section; unknown keys are ignored, bad values reported.

    The section comes nested as the editor stores it (``{"findLeaks": {"interval": 5}}``);
    dotted keys (``{"findLeaks.interval": 5}``), as a settings file spells them, work too.
    """
    if raw is None:
        return HeapscopeOptions()
    if not isinstance(raw, Mapping):
        return HeapscopeOptions(warnings=(f"Heapscope settings must be an object, got {_json_type(raw)}.",))
    defaults = HeapscopeOptions()
    values: dict[str, Any] = {}
    problems: list[str] = []
    for setting in SETTINGS:
        value = _lookup(raw, setting.name)
        if value is None:
            continue
        default = getattr(defaults, setting.option)
        parsed = _parse(setting, value)
        if parsed is _INVALID:
            problems.append(
                f"Setting heapscope.{setting.name} {_expected(setting)}; using {_shown(default)}."
            )
        elif parsed is not None:
            values[setting.option] = parsed
    return HeapscopeOptions(**values, warnings=tuple(problems))


_INVALID = object()


def _lookup(raw: Mapping[str, Any], name: str) -> Any:
    if name in raw:
        return raw[name]
    value: Any = raw
    for key in name.split("."):
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _parse(setting: Setting, value: Any) -> Any:
    """The option's value, ``None`` for "use the default", or ``_INVALID``."""
    if setting.kind == "path":
        if not isinstance(value, str):
            return _INVALID
        return value.strip() or None  # empty: the default folder
    if setting.kind == "boolean":
        return value if isinstance(value, bool) else _INVALID
    if setting.kind == "choice":
        return value if value in setting.choices else _INVALID
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _INVALID
    if setting.kind == "integer" and not isinstance(value, int):
        return _INVALID
    assert setting.minimum is not None and setting.maximum is not None
    if not setting.minimum <= value <= setting.maximum:
        return _INVALID
    return value if setting.kind == "integer" else float(value)


def _expected(setting: Setting) -> str:
    if setting.kind == "path":
        return "must be a path"
    if setting.kind == "boolean":
        return "must be true or false"
    if setting.kind == "choice":
        return f"must be one of {', '.join(setting.choices)}"
    noun = "a whole number" if setting.kind == "integer" else "a number"
    return f"must be {noun} from {setting.minimum:g} to {setting.maximum:g}"


def _shown(default: Any) -> str:
    if default is None:
        return ".heapscope/snapshots"
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, float):
        return f"{default:g}"
    return str(default)


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
