"""Which script id is which file: the map saved beside each snapshot.

A snapshot's closures point at script ids; the ids mean something only in the process
that took it. ``Debugger.scriptParsed`` gives id → URL and source map URL, and
``Debugger.enable`` replays it for every script already loaded, but only to the session
that enables the domain.

Why a short-lived ``Debugger.enable`` on our own session (checked on Node 20.20 and 22.23:
tests/inspector pass on both, from the npm registry's node package for 22).
V8 keeps debugger state per session. Breakpoints, pause-on-exception and "skip all
pauses" belong to the session that set them, so enabling and then disabling the
Debugger domain on Heapscope's own session leaves an attached VS Code session's
breakpoints, its pause state and its stepping untouched: with VS Code paused at a
breakpoint, our enable/disable neither resumed it nor removed its breakpoint, and the
breakpoint hit again after VS Code resumed. The one thing our enabled Debugger domain
could do is accept a pause itself (a ``debugger;`` statement pauses the program as soon
as any session with the domain enabled accepts pauses, even with no editor attached);
``Debugger.setSkipAllPauses(true)``, sent before ``enable``, makes our session never
accept one, and we disable the domain again right after the replay.

Through js-debug's CDP proxy this is different: the proxy multiplexes onto js-debug's own
session, does not replay ``scriptParsed``, and a ``Debugger.disable`` sent through it
would switch off VS Code's debugger. So there we never touch the Debugger domain; we ask
the target (a fixed expression) for its own inspector URL and do the replay above on a
second, direct session, which Node allows. Where that fails, the map stays empty and
the analysis falls back to the snapshot's own closure → shared → script → name edges
(``HeapSnapshot.script_names``), which need no protocol at all but miss source map URLs
and scripts without live closures.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import Any

from .errors import InspectorError
from .session import CdpConnection


@dataclass(frozen=True)
class ScriptInfo:
    """One parsed script: its URL (``file://…`` or ``node:…``) and its source map URL, if any."""

    url: str
    source_map_url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "sourceMapURL": self.source_map_url}


class ScriptRecorder:
    """Keeps id → script for everything ``Debugger.scriptParsed`` reports on one connection."""

    def __init__(self, connection: CdpConnection) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self._scripts: dict[str, ScriptInfo] = {}
        self._unsubscribers = [
            connection.subscribe("Debugger.scriptParsed", self._on_script_parsed),
            connection.subscribe("Debugger.paused", lambda params: self._set_paused(True)),
            connection.subscribe("Debugger.resumed", lambda params: self._set_paused(False)),
        ]
        self.debugger_enabled_by_us = False
        # Whether another debugger holds the target paused, as V8 told us while our domain was on.
        self.target_paused = False

    def _set_paused(self, paused: bool) -> None:
        self.target_paused = paused

    def _on_script_parsed(self, params: dict[str, Any]) -> None:
        script_id = params.get("scriptId")
        if not script_id:
            return
        info = ScriptInfo(str(params.get("url") or ""), params.get("sourceMapURL") or None)
        with self._lock:
            self._scripts[str(script_id)] = info

    def snapshot(self) -> dict[str, ScriptInfo]:
        with self._lock:
            return dict(self._scripts)

    def refresh(self, timeout: float) -> dict[str, ScriptInfo]:
        """Replay the scripts already parsed, without leaving the Debugger domain on (see module doc).

        The replayed events arrive before the reply to ``Debugger.enable`` and the reader
        dispatches in order, so the map is complete when ``enable`` returns.
        """
        if self.debugger_enabled_by_us:
            return self.snapshot()  # already enabled: scriptParsed keeps the map current
        self.target_paused = False  # V8 sends Debugger.paused on enable if the target is paused
        skip = self._connection.send("Debugger.setSkipAllPauses", {"skip": True})
        enable = self._connection.send("Debugger.enable", {})
        try:
            skip.wait(timeout)
            enable.wait(timeout)
        finally:
            if not self._connection.closed:
                with contextlib.suppress(InspectorError):
                    self._connection.send("Debugger.disable", {}).wait(timeout)
        return self.snapshot()

    def close(self) -> None:
        for unsubscribe in self._unsubscribers:
            unsubscribe()


def scripts_to_json(scripts: dict[str, ScriptInfo]) -> dict[str, dict[str, Any]]:
    return {script_id: info.to_json() for script_id, info in sorted(scripts.items(), key=_numeric_id)}


def scripts_from_json(data: dict[str, Any]) -> dict[str, ScriptInfo]:
    """Read the ``scripts`` member of a sidecar back (used by the offline analysis)."""
    result = {}
    for script_id, entry in data.items():
        if isinstance(entry, dict) and isinstance(entry.get("url"), str):
            result[str(script_id)] = ScriptInfo(entry["url"], entry.get("sourceMapURL") or None)
    return result


def _numeric_id(item: tuple[str, ScriptInfo]) -> tuple[int, str]:
    key = item[0]
    return (int(key), key) if key.isdigit() else (1 << 62, key)
