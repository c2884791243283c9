"""Live targets: attach to a running Node.js process over the V8 inspector protocol.

Snapshots, the script map and memory samples come from here; this package knows nothing
of LSP. See docs/ARCHITECTURE.md, section "Layers".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
from .errors import InspectorError, InspectorErrorKind

if TYPE_CHECKING:
    from .client import InspectorSession, connect
    from .launch import NodeProcess, launch_node
    from .monitor import LEAK_STREAK, LeakHeuristic, MemoryMonitor, MemorySample
    from .scripts import ScriptInfo, scripts_from_json
    from .snapshots import SavedSnapshot, default_snapshot_path, heapscope_dir
    from .targets import NodeProcessInfo, ResolvedTarget, is_loopback, list_node_processes, resolve_target
    from .workers import WorkerGroup, WorkerInfo, attach_workers

# Imported when a name is first used: websocket, psutil and http.client cost start-up time
# that a command working on snapshot files never needs.
_LAZY = {
    "InspectorSession": ".client",
    "connect": ".client",
    "NodeProcess": ".launch",
    "launch_node": ".launch",
    "LEAK_STREAK": ".monitor",
    "LeakHeuristic": ".monitor",
    "MemoryMonitor": ".monitor",
    "MemorySample": ".monitor",
    "ScriptInfo": ".scripts",
    "scripts_from_json": ".scripts",
    "SavedSnapshot": ".snapshots",
    "default_snapshot_path": ".snapshots",
    "heapscope_dir": ".snapshots",
    "NodeProcessInfo": ".targets",
    "ResolvedTarget": ".targets",
    "is_loopback": ".targets",
    "list_node_processes": ".targets",
    "resolve_target": ".targets",
    "WorkerGroup": ".workers",
    "WorkerInfo": ".workers",
    "attach_workers": ".workers",
}


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = [
    "LEAK_STREAK",
    "InspectorError",
    "InspectorErrorKind",
    "InspectorSession",
    "LeakHeuristic",
    "MemoryMonitor",
    "MemorySample",
    "NodeProcess",
    "NodeProcessInfo",
    "ResolvedTarget",
    "SavedSnapshot",
    "ScriptInfo",
    "WorkerGroup",
    "WorkerInfo",
    "attach_workers",
    "connect",
    "default_snapshot_path",
    "heapscope_dir",
    "is_loopback",
    "launch_node",
    "list_node_processes",
    "resolve_target",
    "scripts_from_json",
]
