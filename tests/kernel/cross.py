"""The C kernel cross-compiled with ``zig cc`` for the platforms this machine is not, and run where
an emulator can run it (``make check-kernel-cross``).

zig (the ``ziglang`` package on PyPI) carries its own clang, linkers and libc headers for every
target, so no macOS SDK, Windows SDK or cross GCC is needed. For each target the kernel is built
as a plain shared library (``-DHS_KERNEL_ONLY``) with ``-Wall -Wextra -Werror``, and
``tests/kernel/driver.c`` is linked against it: a missing export fails the link on every target.
Where Python's headers fit the target (the 64-bit POSIX ones: this machine's headers describe an
LP64 ABI, which macOS and aarch64 Linux share), the stable-ABI extension module is compiled too.

The driver then runs natively, under wine for Windows and under qemu-user for aarch64 Linux when
those are installed, over one real snapshot that Node writes here. Its outputs (the parsed
columns, distances, dominators, retained sizes, retainers, path trees, id lookups, classes and
the rest) must equal the engine's
own results byte for byte. What could not be run is said, and does not fail the check.

    python tests/kernel/cross.py --zig 'ZIG COMMAND' [--node NODE] [--out FOLDER]
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from heapscope.snapshot import _native
from heapscope.snapshot.loader import read_snapshot
from heapscope.snapshot.model import HeapSnapshot

ROOT = Path(__file__).resolve().parents[2]
KERNEL = ROOT / "server" / "heapscope" / "snapshot" / "_kernels.c"
DRIVER = Path(__file__).with_name("driver.c")
FLAGS = ["-O2", "-std=c99", "-Wall", "-Wextra", "-Werror"]

# A small service's heap: closures, a Map cache, listeners, a WeakRef (weak edges), a timer.
PROGRAM = """
const { EventEmitter } = require('events');
const bus = new EventEmitter();
const cache = new Map();
for (let i = 0; i < 2000; i++) {
  const payload = { id: i, text: 'entry ' + i, tags: [i, i * 2] };
  cache.set('k' + i, payload);
  bus.on('tick', () => payload.id);
}
globalThis.keep = { cache, bus, weak: new WeakRef(cache), buffer: Buffer.alloc(4096) };
require('v8').writeHeapSnapshot(process.argv[1]);
"""


@dataclass(frozen=True)
class Target:
    """One zig target: how its shared library is named and how (if at all) it runs here."""

    name: str
    library: str  # the kernel's file name on that platform
    extension_module: bool  # Python's headers here fit it, so the module stub is compiled too


TARGETS = [
    Target("x86_64-linux-gnu", "_kernels.so", True),
    Target("aarch64-linux-gnu", "_kernels.so", True),
    Target("x86_64-macos", "_kernels.dylib", True),
    Target("aarch64-macos", "_kernels.dylib", True),
    Target("x86_64-windows-gnu", "_kernels.dll", False),
]


def run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Runs a build or driver command; its output becomes the error when it fails."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def build(zig: list[str], target: Target, out: Path) -> list[str]:
    """Compiles the kernel library, the extension module where it fits, and the linked driver."""
    out.mkdir(parents=True, exist_ok=True)
    cc = [*zig, "cc", "-target", target.name]
    library = out / target.library
    built = [library.name]
    run([*cc, *FLAGS, "-shared", "-fPIC", "-DHS_KERNEL_ONLY", str(KERNEL), "-o", str(library)])
    if target.extension_module:
        module = out / "_kernels.abi3.so"
        headers = sysconfig.get_paths()["include"]
        link = ["-Wl,-undefined,dynamic_lookup"] if "macos" in target.name else []
        limited = "-DPy_LIMITED_API=0x030A0000"
        run([*cc, *FLAGS, "-shared", "-fPIC", limited, f"-I{headers}", str(KERNEL), "-o", str(module), *link])
        built.append(module.name)
    driver = out / ("driver.exe" if "windows" in target.name else "driver")
    if "windows" in target.name:
        # The import library zig writes beside the DLL links the driver to the DLL's exports.
        against = [str(library.with_suffix(".lib"))]
    elif "macos" in target.name:
        against = [str(library)]
    else:
        against = [str(library), "-Wl,-rpath,$ORIGIN"]
    run([*cc, *FLAGS, str(DRIVER), *against, "-o", str(driver)])
    built.append(driver.name)
    if target.name == "aarch64-linux-gnu":
        # qemu-user runs a static binary without an aarch64 sysroot: the kernel compiled into it.
        static = out / "driver-static"
        musl = [*zig, "cc", "-target", "aarch64-linux-musl", *FLAGS, "-static", "-DHS_KERNEL_ONLY"]
        run([*musl, str(DRIVER), str(KERNEL), "-o", str(static)])
        built.append(static.name)
    return built


def runner(target: Target, out: Path) -> tuple[list[str] | None, str]:
    """The command that runs this target's driver here, or None and why it cannot run."""
    if target.name == "x86_64-linux-gnu":
        return ([str(out / "driver")], "native") if os.uname().machine == "x86_64" else (None, "not x86_64")
    if target.name == "x86_64-windows-gnu":
        # Debian's wine64 package leaves its loader off PATH.
        wine = shutil.which("wine64") or shutil.which("wine") or shutil.which("wine64", path="/usr/lib/wine")
        if not wine:
            return None, "no wine here (Debian: apt-get install wine64)"
        return [wine, str(out / "driver.exe")], "wine"
    if target.name == "aarch64-linux-gnu":
        qemu = shutil.which("qemu-aarch64-static") or shutil.which("qemu-aarch64")
        if not qemu:
            return None, "no qemu-user here (Debian: apt-get install qemu-user-static)"
        return [qemu, str(out / "driver-static")], "qemu-user (static musl build)"
    return None, "no macOS emulator exists: compiled and linked only"


def uncalled_kernels() -> list[str]:
    """The functions _kernels.c exports that driver.c never calls: each must be run here too."""
    exported = re.findall(r"^HS_EXPORT\s+\w+\s+(hs_\w+)\(", KERNEL.read_text(), re.M)
    body = DRIVER.read_text().partition("enum { SKIP")[2]  # the code past the declarations
    return [name for name in exported if not re.search(rf"\b{name}\(", body)]


def field_kinds(fields: list[str], kinds: dict[str, int]) -> str:
    return ",".join(str(kinds.get(field, _native.SKIP)) for field in fields)


def expected(snapshot: HeapSnapshot) -> bytes:
    """The driver's output file as the engine (the installed kernel) computes it."""
    n = snapshot.node_count
    weak, shortcut = snapshot.edge_type_id("weak"), snapshot.edge_type_id("shortcut")
    idom, order, retained = snapshot.dominators, snapshot.dominator_reachable, snapshot.retained_sizes
    full_order = np.zeros(n, dtype=np.uint32)
    full_order[: len(order)] = order
    first_edge, edge_to, edge_type = snapshot.first_edge, snapshot.edge_to, snapshot.edge_type
    retainer_first, retainer_edge = _native.build_retainer_edges(snapshot.graph)
    marked = snapshot.self_size >= 64
    # driver.c's path trees: the first phase from the root's even edges, the second from its odd
    # ones; weak edges never followed, shortcuts unless named by every fifth string, rank by
    # edge type plus node type % 3, every seventh node barred; the last phase over every edge
    # type, into the reachable nodes (the first tree) or any node (the second, without parents).
    types = np.arange(256)
    follow = np.where(types == weak, _native.EdgeRules.NEVER, _native.EdgeRules.ALWAYS)
    follow[shortcut] = _native.EdgeRules.UNLESS_BAD_NAME
    rules = _native.EdgeRules(
        follow=follow.astype(np.uint8),
        rank=types.astype(np.uint8),
        penalty=(types % 3).astype(np.uint8),
        bad_name=(np.arange(64) % 5 == 0).astype(np.uint8),
        target_ok=(np.arange(n) % 7 != 3).astype(np.uint8),
    )
    any_follow = np.ones(256, dtype=np.uint8)
    root_edges = np.arange(first_edge[0], first_edge[1], dtype=np.int64)
    seeds = (root_edges[0::2], root_edges[1::2])
    edge_name = snapshot.edge_name_or_index
    tree_of = (snapshot.graph, edge_type, edge_name, snapshot.node_type, rules, any_follow)
    tree = _native.path_tree(0, *tree_of, *seeds, snapshot.distances >= 0, marked=marked)
    alone = _native.path_tree(0, *tree_of, *seeds, parents=False, marked=marked)
    assert tree.parent is not None and tree.parent_edge is not None
    # The names of weak edges among every name up to the highest, of shortcuts up to half of it.
    weak_names = int(edge_name.max(initial=0)) + 1
    parts: list[Any] = [
        first_edge,
        edge_to,
        edge_type,
        snapshot.self_size,
        snapshot.distances,
        idom,
        full_order,
        retained,
        retainer_first,
        retainer_edge,
        _native.class_top_level(0, idom, snapshot.node_type.astype(np.int32), 256).astype(np.uint8),
        _native.nearest_marked(0, idom, order, marked),
        _native.reach_past(0, snapshot.graph, edge_type, weak, shortcut, marked),
        tree.distance,
        tree.parent,
        tree.parent_edge,
        tree.owner,
        alone.distance,
        alone.owner,
        _native.nearest_marked_up(0, tree.parent, marked),
        _native.edge_names_of_type(edge_type, edge_name, weak, weak_names).astype(np.uint8),
        _native.edge_names_of_type(edge_type, edge_name, shortcut, weak_names // 2).astype(np.uint8),
        *_ids(snapshot),
        *_classes(snapshot)[::-1],
        *_locations(snapshot),
    ]
    # The drivers write their machine's byte order: little-endian on every target built here.
    return b"".join(
        np.ascontiguousarray(part, dtype=part.dtype.newbyteorder("<")).tobytes() for part in parts
    )


def _locations(snapshot: HeapSnapshot) -> list[Any]:
    """driver.c's locations: the file's rows (V8's four fields) in node order, none if a node has two."""
    rows = read_snapshot(snapshot.path).locations
    if not len(rows):
        return []
    return _native.locations_by_node(rows, [0, 1, 2, 3], snapshot.node_fields_width, snapshot.node_count)[1]


def _ids(snapshot: HeapSnapshot) -> list[Any]:
    """driver.c's id lookup: the table, each id's node, whether each id + 1 is an id too."""
    ids = snapshot.node_id
    index = _native.IdIndex(ids, min(16 * snapshot.node_count + (1 << 16), 1 << 31))
    return [index._table, index.find(ids), index.contains(ids + 1)[0].astype(np.uint8)]


def _classes(snapshot: HeapSnapshot) -> tuple[Any, Any]:
    """driver.c's classes: odd types by the node's id modulo 4093 (for a name), even ones by type."""
    names = 4093
    type_key = np.array([-1 if t % 2 else names + t for t in range(256)], dtype=np.int64)
    id_name = (snapshot.node_id % names).astype(np.uint32)
    return _native.class_index(snapshot.node_type, id_name, type_key, names + 256)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zig", required=True, help="the zig command: '.venv-zig/bin/python -m ziglang'")
    parser.add_argument("--node", default="node", help="the node that writes the snapshot")
    parser.add_argument("--out", default=str(ROOT / "build" / "cross"))
    args = parser.parse_args()
    out = Path(args.out).resolve()
    uncalled = uncalled_kernels()
    if uncalled:
        print(f"tests/kernel/driver.c calls no {', '.join(uncalled)}: every exported kernel must run in it")
        return 1
    out.mkdir(parents=True, exist_ok=True)

    snapshot_path = out / "small.heapsnapshot"
    run([args.node, "-e", PROGRAM, str(snapshot_path)])
    snapshot = HeapSnapshot.load(snapshot_path)
    want = expected(snapshot)
    node_columns = {
        "type": _native.U8,
        "id": _native.U32,
        "self_size": _native.U64,
        "edge_count": _native.OFFSETS,
    }
    node_kinds = field_kinds(snapshot.meta.node_fields, node_columns)
    edge_columns = {"type": _native.U8, "name_or_index": _native.U32, "to_node": _native.ORDINAL}
    edge_kinds = field_kinds(snapshot.meta.edge_fields, edge_columns)
    weak, shortcut = snapshot.edge_type_id("weak"), snapshot.edge_type_id("shortcut")
    size = snapshot_path.stat().st_size
    print(f"snapshot: {snapshot.node_count} nodes, {snapshot.edge_count} edges ({size} bytes)")

    arguments = [node_kinds, edge_kinds, str(weak), str(shortcut)]
    failures = 0
    env = dict(os.environ, WINEDEBUG="-all", WINEPREFIX=str(out / "wine"))
    for target in TARGETS:
        folder = out / target.name
        try:
            built = build(shlex.split(args.zig), target, folder)
        except RuntimeError as error:
            print(f"{target.name}: BUILD FAILED\n{error}")
            failures += 1
            continue
        command, how = runner(target, folder)
        if command is None:
            print(f"{target.name}: built {', '.join(built)}; not run: {how}")
            continue
        # Relative paths: under wine an absolute POSIX path is not a Windows one.
        result = folder / "result.bin"
        result.unlink(missing_ok=True)
        try:
            line = run(
                [*command, os.path.relpath(snapshot_path, folder), result.name, *arguments],
                cwd=folder,
                env=env,
            ).strip()
        except RuntimeError as error:
            print(f"{target.name}: built {', '.join(built)}; RUN FAILED under {how}\n{error}")
            failures += 1
            continue
        same = result.read_bytes() == want
        verdict = "same outputs as the engine" if same else "OUTPUTS DIFFER from the engine"
        print(f"{target.name}: built {', '.join(built)}; ran under {how}: {line}; {verdict}")
        failures += not same
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
