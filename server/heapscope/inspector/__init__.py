"""Live targets: attach to a running Node.js process over the V8 inspector protocol.

Snapshots, the script map and memory samples come from here; this package knows nothing
of LSP. See docs/ARCHITECTURE.md, section "Layers".
"""

from .client import InspectorSession, connect
from .errors import InspectorError, InspectorErrorKind
from .launch import NodeProcess, launch_node
from .monitor import LEAK_STREAK, LeakHeuristic, MemoryMonitor, MemorySample
from .scripts import ScriptInfo, scripts_from_json
from .snapshots import SavedSnapshot, default_snapshot_path, heapscope_dir
from .targets import NodeProcessInfo, ResolvedTarget, is_loopback, list_node_processes, resolve_target
from .workers import WorkerGroup, WorkerInfo, attach_workers

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
