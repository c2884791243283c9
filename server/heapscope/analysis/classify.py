"""Turn growing containers into findings: which of the seven patterns, where to fix it, and why.

Each :class:`~heapscope.analysis.leaks.LeakGroup` is read through its retainer path in the
final snapshot (root -> ... -> container -> entry) and its entries: listener arrays under
an emitter's ``_events``, ``Timeout`` entries, closures chained through their contexts, a
property of the global object, an array used as a queue, code under ``node_modules``, or
a plain growing collection. The location is the line a developer changes: the listener or
callback function, the closure literal, or the line inserting into the collection (from
allocation traces when present, else from the owning source file).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..snapshot import HeapSnapshot, RetainerHop
from ..units import format_bytes
from .alloc import AllocationTraces, Frame
from .diff import present_in
from .leaks import LeakGroup, keeps_growing, slowing_down
from .model import Finding, Location, PathHop
from .source import SourceResolver, is_user_path, package_of, package_version
from .source.locate import LineFinder, queue_like_name, source_names

IntArray = npt.NDArray[np.int64]

ERROR_BYTES = 256 * 1024
OTHER_MIN_BYTES = 1024 * 1024
_MAX_PATH_HOPS = 24
_CALLBACK_EDGES = ("listener", "callback", "_onTimeout", "_onImmediate", "handler", "fn", "cb")
_GLOBAL_CLASSES = ("global", "global / ", "Window", "globalThis")


@dataclass
class Evidence:
    """What the classifier learned about one group before writing its message."""

    kind: str
    path: list[RetainerHop]
    anchor_hop: int
    """Index in ``path`` of the container."""
    name: str
    """The collection's variable/property name ("" if none)."""
    owner: str
    location: Location | None = None
    allocation_site: Location | None = None
    details: dict[str, object] | None = None


class Classifier:
    def __init__(self, snapshots: list[HeapSnapshot], resolver: SourceResolver) -> None:
        self.snapshots = snapshots
        self.final = snapshots[-1]
        self.resolver = resolver
        self.finder = LineFinder(resolver)
        self.unreadable: set[Location] = set()
        """V8 positions reported as they are because their source file could not be read."""
        self.traces = AllocationTraces(self.final)
        self.context_type = self.final.edge_type_id("context")
        self.chain = ""
        """The edge chaining a linked list's entries (``next``) for the group being classified."""
        self.closure_type = self.final.node_type_id("closure")

    # ------------------------------------------------------------ graph helpers

    def label(self, node: int) -> str:
        snapshot = self.final
        if int(snapshot.node_type[node]) == self.closure_type:
            name = snapshot.name(node)
            return f"{name}()" if name else "(anonymous function)"
        if snapshot.type_name(node) == "synthetic":
            return snapshot.name(node) or "(root)"  # "(GC roots)", "(Global handles)", ...
        name = snapshot.class_name(node)
        return "global" if name.startswith("global /") else name

    def user_location(self, node: int) -> Location | None:
        location = self.resolver.node_location(node)
        return location if location and is_user_path(location.path) else None

    def any_location(self, node: int) -> Location | None:
        """A file location even under node_modules (third-party code)."""
        return self.resolver.node_location(node)

    def callback_of(self, node: int) -> int:
        """The closure a developer wrote behind an entry: itself, or its listener/callback property."""
        snapshot = self.final
        if int(snapshot.node_type[node]) == self.closure_type and self.any_location(node):
            return node
        for edge_name in _CALLBACK_EDGES:
            target = snapshot.find_edge(node, edge_name)
            if target >= 0 and int(snapshot.node_type[target]) == self.closure_type:
                inner = snapshot.find_edge(target, "listener")  # once() wrappers
                return inner if inner >= 0 and self.any_location(inner) else target
        if int(snapshot.node_type[node]) == self.closure_type:
            return node
        return -1

    def context_script(self, context: int) -> str | None:
        """The file of a function context: the file of a closure that uses it."""
        snapshot = self.final
        edges, sources = snapshot.retainers_of(context)
        for edge, source in zip(edges.tolist()[:64], sources.tolist()[:64], strict=True):
            if int(snapshot.node_type[source]) == self.closure_type and snapshot.edge_name(edge) == "context":
                location = self.resolver.node_location(source)
                if location:
                    return location.path
        return None

    def context_owner(self, context: int) -> str:
        """The function a context belongs to, as "makeHandler()" or "module file.js".

        A context's ScopeInfo lists its variable names and then the function's own name;
        a module's top-level scope has none.
        """
        snapshot = self.final
        variables = {
            snapshot.edge_name(edge)
            for edge, _ in snapshot.children(context)
            if int(snapshot.edge_type[edge]) == self.context_type
        }
        scope_info = snapshot.find_edge(context, "scope_info")
        if scope_info >= 0:
            for _, target in snapshot.children(scope_info):
                if "string" in snapshot.type_name(target):
                    text = snapshot.name(target)
                    if text and text not in variables and re.fullmatch(r"[A-Za-z_$][\w$]*", text):
                        return f"{text}()"
        edges, sources = snapshot.retainers_of(context)
        for edge, source in zip(edges.tolist()[:64], sources.tolist()[:64], strict=True):
            if int(snapshot.node_type[source]) == self.closure_type and snapshot.edge_name(edge) == "context":
                location = self.resolver.node_location(source)
                if location:
                    return f"module {os.path.basename(location.path)}"
        return "a function scope"

    def owner_script(self, path: list[RetainerHop], upto: int) -> str | None:
        """The file of the code that owns the container: nearest closure, context or constructed object."""
        snapshot = self.final
        for index in range(upto, 0, -1):
            node = path[index].node
            if snapshot.class_name(node) == "system / Context":
                script = self.context_script(node)
                if script:
                    return script
            location = self.resolver.node_location(node)
            if location and not snapshot.class_name(node).startswith("system"):
                return location.path
        return None

    def hops(self, path: list[RetainerHop]) -> list[PathHop]:
        snapshot = self.final
        hops: list[PathHop] = []
        for hop in path:
            edge = snapshot.edge_name(hop.edge) if hop.edge >= 0 else ""
            if hop.edge >= 0 and snapshot.edge_type_name(hop.edge) in ("element", "hidden"):
                edge = f"[{edge}]"
            location = None
            if int(snapshot.node_type[hop.node]) == self.closure_type or snapshot.class_name(
                hop.node
            ) not in (
                "Object",
                "Array",
                "Map",
                "Set",
            ):
                location = self.user_location(hop.node)
            hops.append(PathHop(node=self.label(hop.node), edge=edge, location=location))
        hops = _collapse_runs(hops)
        if len(hops) > _MAX_PATH_HOPS:
            keep = _MAX_PATH_HOPS // 2
            hops = [*hops[:keep], PathHop(node="…", edge=f"{len(hops) - 2 * keep} more hops"), *hops[-keep:]]
        return hops

    def representative(self, group: LeakGroup) -> int:
        """The entry nearest the root (then biggest): its retainer path explains the group."""
        snapshot = self.final
        entries = group.entries if len(group.entries) else group.members
        names = snapshot.class_names
        same = entries[
            np.array([names[c] == group.entry_class for c in snapshot.class_index[entries]], dtype=bool)
        ]
        pool = same if len(same) else entries
        distances = snapshot.distances[pool].astype(np.int64)
        nearest = pool[distances == distances[distances >= 0].min()] if np.any(distances >= 0) else pool
        return int(nearest[np.argmax(snapshot.retained_sizes[nearest])])

    def collection_name(self, path: list[RetainerHop], anchor_hop: int) -> tuple[str, str]:
        """(name, owner) of the container: the nearest named edge into it and what holds that edge."""
        snapshot = self.final
        for index in range(anchor_hop, 0, -1):
            hop = path[index]
            if hop.edge < 0:
                break
            if snapshot.edge_type_name(hop.edge) in ("property", "context", "shortcut") or (
                snapshot.edge_type_name(hop.edge) == "internal" and not snapshot.edge_name(hop.edge).isdigit()
            ):
                name = snapshot.edge_name(hop.edge)
                if name in ("table", "elements", "properties", "context"):
                    continue
                holder = path[index - 1].node
                if snapshot.class_name(holder) == "system / Context":
                    owner = self.context_owner(holder)
                elif snapshot.class_name(holder) in _GLOBAL_CLASSES:
                    owner = "the global object"
                else:
                    owner = self.label(holder)
                return name, owner
        return "", ""

    # ------------------------------------------------------------ classification

    def classify(self, group: LeakGroup) -> Evidence:
        snapshot = self.final
        rep = self.representative(group)
        path = snapshot.retainer_path(rep)
        positions = [i for i, hop in enumerate(path) if hop.node == group.anchor]
        anchor_hop = positions[0] if positions else max(len(path) - 2, 0)
        edge_names = [snapshot.edge_name(hop.edge) if hop.edge >= 0 else "" for hop in path]
        self.chain = ""
        if group.entry_class not in ("Timeout", "Immediate"):
            anchor_hop = self._list_head(group, path, edge_names, anchor_hop)
        name, owner = self.collection_name(path, anchor_hop)

        listener = self._event_listener(group, path, edge_names, anchor_hop)
        if listener:
            return listener
        if group.entry_class in ("Timeout", "Immediate") or "_idleNext" in edge_names[anchor_hop + 1 :]:
            return self._timer(group, path, anchor_hop, name, owner)
        closure = self._closure(group, path, anchor_hop, name, owner)
        owner_file = self.owner_script(path, anchor_hop)
        package = package_of(owner_file) if owner_file else None
        if package is None:
            package = self._allocating_package(group)
        if package:
            return self._third_party(group, path, anchor_hop, name, owner, package)
        if closure:
            return closure
        global_name = self._global_name(path, anchor_hop)
        if global_name is not None:
            holder_package = self._package_inserting(global_name or name)
            if holder_package:
                return self._third_party(group, path, anchor_hop, global_name or name, owner, holder_package)
            return self._collection(
                group, path, anchor_hop, global_name or name, "the global object", "global"
            )
        anchor_class = snapshot.class_name(group.anchor)
        if self._looks_like_queue(anchor_class, name, owner, owner_file, group):
            return self._collection(group, path, anchor_hop, name, owner, "queue", owner_file)
        if anchor_class in ("Map", "Set", "Array", "Object", "WeakMap", "WeakSet") or name:
            return self._collection(group, path, anchor_hop, name, owner, "collection", owner_file)
        return self._collection(group, path, anchor_hop, name, owner, "other", owner_file)

    def _event_listener(
        self, group: LeakGroup, path: list[RetainerHop], edge_names: list[str], anchor_hop: int
    ) -> Evidence | None:
        """An emitter's listener store is the container (or holds it without going through code)."""
        snapshot = self.final
        markers = [i for i, name in enumerate(edge_names) if name in ("_events", "<symbol kEvents>")]
        markers = [i for i in markers if i <= anchor_hop + 1]
        for at in markers[-1:]:
            marker = edge_names[at]
            between = path[at + 1 : anchor_hop + 1]
            if any(
                int(snapshot.node_type[hop.node]) == self.closure_type
                or snapshot.class_name(hop.node) == "system / Context"
                for hop in between
            ):
                return None
            emitter = path[at - 1].node
            event = edge_names[at + 1] if at + 1 < len(edge_names) else ""
            if marker == "<symbol kEvents>":
                event = self._event_target_type(path, at) or event
            listener_counts = self._listener_counts(int(snapshot.node_id[emitter]), event, group)
            entries = self._new_listeners(path[at].node, event) if marker == "_events" else None
            if entries is None or not len(entries):
                entries = self.entries_of_class(group)
            callbacks = [self.callback_of(int(node)) for node in entries[:300].tolist()]
            location = self._dominant_location([c for c in callbacks if c >= 0])
            emitter_name, _ = self.collection_name(path, at - 1)
            details: dict[str, object] = {
                "emitter_class": snapshot.class_name(emitter),
                "emitter": emitter_name,
                "event": event,
                "listener_counts": listener_counts,
                "api": "EventTarget" if marker == "<symbol kEvents>" else "EventEmitter",
            }
            return Evidence(
                kind="event-listener",
                path=path,
                anchor_hop=at,
                name=event,
                owner=snapshot.class_name(emitter),
                location=location,
                details=details,
            )
        return None

    def _new_listeners(self, events: int, event: str) -> IntArray | None:
        """The listeners an emitter's ``_events[event]`` holds that did not exist at the baseline.

        Read from the store itself: when the listener array was created after the baseline
        the growing container is ``_events``, whose entry is the array, not the functions.
        """
        snapshot = self.final
        store = snapshot.find_edge(events, event) if event else -1
        if store < 0:
            return None
        if int(snapshot.node_type[store]) == self.closure_type:
            listeners = np.array([store], dtype=np.int64)
        else:
            element = snapshot.edge_type_id("element")
            start, end = int(snapshot.first_edge[store]), int(snapshot.first_edge[store + 1])
            edges = np.arange(start, end)
            listeners = snapshot.edge_to[edges[snapshot.edge_type[edges] == element]].astype(np.int64)
        fresh = listeners[~present_in(snapshot.node_id[listeners], self.snapshots[0])]
        return fresh if len(fresh) else listeners

    def _event_target_type(self, path: list[RetainerHop], at: int) -> str:
        """The event type for an EventTarget: the key stored just before the listener record in its Map."""
        snapshot = self.final
        if at + 2 >= len(path) or snapshot.edge_name(path[at + 1].edge) != "table":
            return ""
        table = path[at + 1].node
        value_name = snapshot.edge_name(path[at + 2].edge)
        if not value_name.isdigit():
            return ""
        key_name = str(int(value_name) - 1)
        for edge, target in snapshot.children(table):
            if snapshot.edge_name(edge) == key_name and "string" in snapshot.type_name(target):
                return snapshot.name(target)
        return ""

    def _listener_counts(self, emitter_id: int, event: str, group: LeakGroup) -> list[int]:
        counts: list[int] = []
        for snapshot in self.snapshots:
            emitter = snapshot.node_by_id(emitter_id)
            events = snapshot.find_edge(emitter, "_events") if emitter >= 0 else -1
            listeners = snapshot.find_edge(events, event) if events >= 0 and event else -1
            if listeners < 0:
                counts.append(0)
            elif snapshot.type_name(listeners) == "closure":
                counts.append(1)
            else:
                from .leaks import element_count

                counts.append(element_count(snapshot, listeners))
        if not any(counts):
            return list(group.counts)
        return counts

    def _dominant_location(self, closures: list[int]) -> Location | None:
        votes: Counter[Location] = Counter()
        for closure in closures:
            location = self.any_location(closure)
            if location:
                votes[location] += 2 if is_user_path(location.path) else 1
        return votes.most_common(1)[0][0] if votes else None

    def _timer(
        self, group: LeakGroup, path: list[RetainerHop], anchor_hop: int, name: str, owner: str
    ) -> Evidence:
        snapshot = self.final
        timers = group.members[
            np.isin(
                snapshot.class_index[group.members],
                [
                    snapshot.class_names.index(c)
                    for c in ("Timeout", "Immediate")
                    if c in snapshot.class_names
                ],
            )
        ]
        callbacks = [self.callback_of(int(node)) for node in timers[:300].tolist()]
        location = self._dominant_location([c for c in callbacks if c >= 0])
        return Evidence(
            kind="timer",
            path=path,
            anchor_hop=anchor_hop,
            name=name,
            owner=owner,
            location=location,
            details={
                "timer_class": group.entry_class
                if group.entry_class in ("Timeout", "Immediate")
                else "Timeout"
            },
        )

    def _closure(
        self, group: LeakGroup, path: list[RetainerHop], anchor_hop: int, name: str, owner: str
    ) -> Evidence | None:
        snapshot = self.final
        closures = group.members[snapshot.node_type[group.members] == self.closure_type]
        if len(closures) < 3:
            return None
        # Vote by retained bytes: the literal whose closures keep the growth alive wins over
        # small helper closures that merely ride along (a chain's link keeps all older links).
        weights: Counter[Location] = Counter()
        by_literal: dict[Location, list[int]] = {}
        retained = snapshot.retained_sizes
        for closure in closures[:2000].tolist():
            location = self.any_location(int(closure))
            if location:
                weights[location] += int(retained[int(closure)]) + 1
                by_literal.setdefault(location, []).append(int(closure))
        if not weights:
            return None
        literal = weights.most_common(1)[0][0]
        count = len(by_literal[literal])
        entries_are_closures = group.entry_class == "(closure)"
        chained = count >= 3 and count > 2 * max(len(group.entries), 1)
        if not (entries_are_closures or chained):
            return None
        captured = self._captured(by_literal[literal])
        return Evidence(
            kind="closure",
            path=path,
            anchor_hop=anchor_hop,
            name=name,
            owner=owner,
            location=literal,
            details={"captured": captured, "closure_count": count},
        )

    def _captured(self, closures: list[int]) -> list[dict[str, object]]:
        """Context variables of these closures, ranked by the bytes they keep (summed over closures)."""
        snapshot = self.final
        totals: Counter[str] = Counter()
        for closure in closures[:500]:
            context = snapshot.find_edge(closure, "context")
            if context < 0:
                continue
            for edge, target in snapshot.children(context):
                if int(snapshot.edge_type[edge]) == self.context_type:
                    totals[snapshot.edge_name(edge)] += int(snapshot.retained_sizes[target])
        return [{"name": name, "retained_bytes": size} for name, size in totals.most_common(5)]

    def _allocating_package(self, group: LeakGroup) -> str | None:
        """The package whose code allocated most entries, when no user frame sits above it."""
        if not self.traces.available:
            return None
        found = self.traces.dominant_frame(self.entries_of_class(group), user_only=False)
        if found is None:
            return None
        frame, _ = found
        return package_of(frame.path) if frame.path else None

    def _third_party(
        self, group: LeakGroup, path: list[RetainerHop], anchor_hop: int, name: str, owner: str, package: str
    ) -> Evidence:
        """Growth held by an npm package: the location is the app's call into the package (in the
        user frame that reached it, else through the names the heap shows holding the package's
        object, else the file's first per-call use of it); the insertion inside the package is
        the related location (``allocation_site``)."""
        names = source_names([name])
        entries = self.entries_of_class(group)
        location: Location | None = None
        inside: Location | None = None
        fallback: Location | None = None
        if self.traces.available:
            found = self.traces.dominant_frame(entries, user_only=False)
            stack = found[1] if found else []
            package_frames = [f for f in stack if f.path and package_of(f.path) == package and f.line > 0]
            for frame in package_frames if names else package_frames[:1]:
                inside = self.finder.insertion(frame.path or "", frame.line - 1, frame.column - 1, names)
                if inside:
                    break
            for frame in [f for f in stack if f.path and is_user_path(f.path) and f.line > 0][:4]:
                location = self.finder.package_call(
                    frame.path or "", frame.line - 1, frame.column - 1, package
                )
                if location:
                    break
                fallback = fallback or self._refine(frame.path or "", frame.line, frame.column, "", None)
        holders, user_files = self._user_holders(path, anchor_hop)
        if location is None:
            files = list(dict.fromkeys([*user_files, *self.finder.user_scripts()]))
            location = self.finder.package_call_in_files(files, package, holders)
        if inside is None:
            inside = self._insertion_in_package_code(path, anchor_hop, names, package)
        if location is None:
            location = fallback or inside or self._package_location(path, anchor_hop)
        collection_class = "linked list" if self.chain else self.final.class_name(group.anchor)
        return Evidence(
            kind="third-party",
            path=path,
            anchor_hop=anchor_hop,
            name=name,
            owner=owner,
            location=location,
            allocation_site=inside,
            details={
                "collection_class": collection_class,
                "entry_class": group.entry_class,
                "package": package,
                "package_version": self._package_version(package, inside),
            },
        )

    def _user_holders(self, path: list[RetainerHop], anchor_hop: int) -> tuple[list[str], list[str]]:
        """Names by which user code holds what leads to the container (context variables and
        properties before the path enters package code), and the user files of those holders."""
        snapshot = self.final
        names: list[str] = []
        files: list[str] = []
        for index in range(1, anchor_hop + 1):
            node = path[index].node
            location = self.resolver.node_location(node)
            if location and not is_user_path(location.path):
                break
            holder = path[index - 1].node
            edge = path[index].edge
            if snapshot.edge_type_name(edge) in ("property", "context"):
                names.append(snapshot.edge_name(edge))
            script = (
                self.context_script(holder)
                if snapshot.class_name(holder) == "system / Context"
                else (location.path if location else None)
            )
            if script and is_user_path(script) and script not in files:
                files.append(script)
        return names, files

    def _insertion_in_package_code(
        self, path: list[RetainerHop], anchor_hop: int, names: list[str], package: str
    ) -> Location | None:
        """The insertion into the container inside the package: in a package function on the
        retainer path (the closure whose scope holds it), else in any of the package's files."""
        for index in range(anchor_hop, 0, -1):
            node = path[index].node
            if int(self.final.node_type[node]) != self.closure_type:
                continue
            where = self.final.location(node)
            script = self.resolver.script_path(where.script_id) if where else None
            if where and script and package_of(script) == package:
                found = self.finder.insertion(script, where.line, where.column, names)
                if found or not names:  # without a name, only the package function nearest the container
                    return found
        return self.finder.insertion_in_files(self.finder.package_scripts(package), names) if names else None

    def _package_version(self, package: str, inside: Location | None) -> str | None:
        """From the package.json of the package the insertion (or any of its loaded files) is in."""
        candidates = ([inside.path] if inside else []) + self.finder.package_scripts(package)[:1]
        for candidate in candidates:
            if package_of(candidate) == package:
                return package_version(candidate, self.resolver.read)
        return None

    def _package_inserting(self, name: str) -> str | None:
        """The package whose code inserts into a global no user file inserts into (its own state)."""
        if not name or self.finder.insertion_in_files(self.finder.user_scripts(), [name]) is not None:
            return None
        packages = sorted({p for p in map(package_of, self._snapshot_scripts()) if p})
        for package in packages:
            if self.finder.insertion_in_files(self.finder.package_scripts(package), [name]):
                return package
        return None

    def _snapshot_scripts(self) -> list[str]:
        return [url[7:] if url.startswith("file://") else url for url in self.final.script_names.values()]

    def _package_location(self, path: list[RetainerHop], anchor_hop: int) -> Location | None:
        for index in range(anchor_hop, 0, -1):
            location = self.any_location(path[index].node)
            if location:
                return location
        return None

    def _global_name(self, path: list[RetainerHop], anchor_hop: int) -> str | None:
        """The global property that holds the container, or None when the path does not go through one.

        The path must go from the global object to the container through properties only:
        a module's variable reached via some global function's context is not a global.
        """
        snapshot = self.final
        for index in range(anchor_hop, 0, -1):
            node = path[index - 1].node
            edge = path[index].edge
            if (
                snapshot.edge_type_name(edge) == "context"
                or int(snapshot.node_type[path[index].node]) == self.closure_type
            ):
                return None
            if snapshot.class_name(node) in _GLOBAL_CLASSES and snapshot.edge_type_name(edge) == "property":
                return snapshot.edge_name(edge)
        if snapshot.class_name(path[anchor_hop].node) in _GLOBAL_CLASSES:
            return ""
        return None

    def _list_head(
        self, group: LeakGroup, path: list[RetainerHop], edge_names: list[str], anchor_hop: int
    ) -> int:
        """For a linked list (entries chained by ``next``), the first link instead of the old tail.

        The nearest old dominator of new links is the last link of the baseline; the list a
        developer knows is what holds its first link (``queue.head``). Sets :attr:`chain`.
        """
        snapshot = self.final
        anchor = path[anchor_hop].node
        chain = edge_names[anchor_hop]
        if (
            not chain
            or snapshot.class_name(anchor) != group.entry_class
            or chain not in self._entry_edges(group)
        ):
            return anchor_hop
        hop = anchor_hop
        while (
            hop > 1
            and edge_names[hop] == chain
            and snapshot.class_name(path[hop - 1].node) == group.entry_class
        ):
            hop -= 1
        self.chain = chain
        return hop

    def _looks_like_queue(
        self, anchor_class: str, name: str, owner: str, owner_file: str | None, group: LeakGroup
    ) -> bool:
        """An array (or linked list) whose name says queue, or that its code consumes from the front."""
        if anchor_class != "Array" and not self.chain:
            return False
        if queue_like_name(name) or queue_like_name(owner):
            return True
        return bool(owner_file and name and self.finder.consumed_from_front(owner_file, [name]))

    def _entry_edges(self, group: LeakGroup) -> set[str]:
        snapshot = self.final
        if not len(group.entries):
            return set()
        node = int(group.entries[0])
        return {snapshot.edge_name(edge) for edge in snapshot.edges_of(node)}

    def _collection(
        self,
        group: LeakGroup,
        path: list[RetainerHop],
        anchor_hop: int,
        name: str,
        owner: str,
        kind: str,
        owner_file: str | None = None,
    ) -> Evidence:
        """Collections, queues, globals: point at the line that inserts the growing entries.

        With allocation stacks, the insertion within the innermost user functions that allocated
        the entries (the allocating function may hand them to its caller or callee that inserts);
        then the insertion in the file owning the collection (for a global, in any user file);
        last, the allocating function's own position.
        """
        names = source_names([name])
        allocation_site = None
        location = None
        user_stack: list[Frame] = []
        if self.traces.available:
            found = self.traces.dominant_frame(self.entries_of_class(group))
            if found and found[0].path:
                frame, stack = found
                user_stack = [f for f in stack[stack.index(frame) :] if f.path and is_user_path(f.path)][:4]
                # Without a name, only the allocating function itself is read for "an insertion".
                for candidate in user_stack if names else user_stack[:1]:
                    location = self.finder.insertion(
                        candidate.path or "", candidate.line - 1, candidate.column - 1, names
                    )
                    if location:
                        break
                if location is None and self.chain:
                    location = self._chain_link_line(frame.path or "", frame.line, frame.column)
                allocation_site = location or self._refine(
                    frame.path or "", frame.line, frame.column, name, None
                )
        if location is None and self.chain and owner_file:
            location = self._chain_link_line(owner_file, 1, 1, whole_file=True)
        if location is None and names:
            files = [f.path for f in user_stack if f.path] + ([owner_file] if owner_file else [])
            if not files or kind == "global":
                files += self._user_scripts()
            location = self.finder.insertion_in_files(dict.fromkeys(files), names)
        if location is None:
            location = allocation_site
        if location is None:
            for index in range(anchor_hop, 0, -1):
                location = self.user_location(path[index].node)
                if location:
                    break
        return Evidence(
            kind=kind,
            path=path,
            anchor_hop=anchor_hop,
            name=name,
            owner=owner,
            location=location,
            allocation_site=allocation_site,
            details={
                "collection_class": "linked list" if self.chain else self.final.class_name(group.anchor),
                "entry_class": group.entry_class,
            },
        )

    def entries_of_class(self, group: LeakGroup) -> IntArray:
        """The group's entries of its dominant class (Map values, not their string keys)."""
        snapshot = self.final
        entries = group.entries if len(group.entries) else group.members
        wanted = [i for i, name in enumerate(snapshot.class_names) if name == group.entry_class]
        chosen = entries[np.isin(snapshot.class_index[entries], wanted)]
        return chosen if len(chosen) else entries

    def _chain_link_line(
        self, path: str, line: int, column: int, *, whole_file: bool = False
    ) -> Location | None:
        """The line appending a link (``tail.next = node``) in a function (1-based start), or the file."""
        return self.finder.link(path, line - 1, column - 1, self.chain, whole_file=whole_file)

    def _refine(self, path: str, line: int, column: int, name: str, package: str | None) -> Location:
        """Within the function starting at a 1-based position: the statement inserting into
        ``name``, else the call into ``package``, else the function's own position (flagged
        when its source cannot be read)."""
        line0, column0 = line - 1, column - 1
        found = self.finder.insertion(path, line0, column0, [name]) if name else None
        if found is None and package:
            found = self.finder.package_call(path, line0, column0, package)
        if found is not None:
            return found
        fallback = self.finder.fallback(path, line0, column0)
        if not fallback.source_available:
            self.unreadable.add(fallback.location)
        return fallback.location

    def _user_scripts(self) -> list[str]:
        return self.finder.user_scripts()


def _collapse_runs(hops: list[PathHop]) -> list[PathHop]:
    """A linked list (``Timeout._idleNext`` x 40) reads better as one hop with a repeat count."""
    result: list[PathHop] = []
    index = 0
    while index < len(hops):
        end = index
        while end + 1 < len(hops) and (hops[end + 1].node, hops[end + 1].edge) == (
            hops[index].node,
            hops[index].edge,
        ):
            end += 1
        run = end - index + 1
        if run >= 3 and hops[index].edge:
            result.append(PathHop(node=hops[index].node, edge=f"{hops[index].edge} (×{run})", location=None))
        else:
            result.extend(hops[index : end + 1])
        index = end + 1
    return result


# ---------------------------------------------------------------- messages


def _counts_text(counts: list[int]) -> str:
    return " → ".join(f"{count:,}" for count in counts)


def _fix_hint(kind: str, evidence: Evidence) -> str:
    details = evidence.details or {}
    if kind == "event-listener":
        event = details.get("event") or "the event"
        if details.get("api") == "EventTarget":
            return (
                f"Remove the listener when its owner is done: call target.removeEventListener('{event}', fn) "
                f"(same function), pass {{ once: true }} if it should run once, or pass a per-owner "
                f"{{ signal }} and abort it when the owner finishes."
            )
        return (
            f"Remove the listener when its owner is done: keep a reference to the function and call "
            f"emitter.off('{event}', fn) (removeListener), use emitter.once('{event}', ...) if it should "
            f"run once, or register it a single time instead of on every call."
        )
    if kind == "closure":
        return (
            "Stop keeping every closure alive (drop the reference that stores it, or reuse one function), "
            "and capture only what it needs: copy small values out of large objects, or set the captured "
            "variable to null once it is no longer used."
        )
    if kind == "timer":
        return (
            "Keep the handle returned by setInterval/setTimeout and call clearInterval/clearTimeout when the "
            "work is finished or its owner is closed; create a repeating timer once, not on every call."
        )
    if kind == "global":
        return (
            "Do not accumulate data on the global object: keep it in a module-scoped structure with a size "
            "limit, delete entries when done, and declare variables with let/const (a missing declaration "
            "creates an implicit global)."
        )
    if kind == "queue":
        return (
            "Drain the queue: make sure a consumer removes items (shift/splice) at least as fast as they "
            "are pushed, bound its length (drop, reject or apply back-pressure when full), and stop "
            "producing when no consumer runs."
        )
    if kind == "third-party":
        package = details.get("package", "the package")
        return (
            f"The growth is held inside `{package}`: check its options for a size limit, TTL or a "
            f"close()/dispose() call, make sure you do not create a new instance or key per request, "
            f"or upgrade the package."
        )
    if kind == "collection":
        return (
            "Bound the collection: evict old entries (an LRU with a maximum size, or a TTL), delete an entry "
            "when the thing it describes goes away, or use a WeakMap/WeakRef when keys are objects."
        )
    return "Follow the retainer path to the object that should have let go, and remove that reference."


def _message(kind: str, evidence: Evidence, group: LeakGroup, counts: list[int]) -> tuple[str, str]:
    """(title, message)."""
    details = evidence.details or {}
    growth = group.retained[-1] - group.retained[0]
    bytes_text = f"retaining {format_bytes(group.retained[-1])} (+{format_bytes(max(growth, 0))})"
    named = f" `{evidence.name}`" if evidence.name else ""
    if kind == "event-listener":
        emitter = str(details.get("emitter_class") or "EventEmitter")
        variable = f" `{details['emitter']}`" if details.get("emitter") else ""
        event = details.get("event") or "?"
        title = f"'{event}' listeners on {emitter}{variable}"
        return title, (
            f"{emitter}{variable} gains '{event}' listeners that are never removed: "
            f"{_counts_text(counts)} listeners, {bytes_text}."
        )
    if kind == "closure":
        captured_items = details.get("captured")
        captured = [
            str(item["name"]) for item in (captured_items if isinstance(captured_items, list) else [])
        ][:3]
        holding = f"; their scope keeps {', '.join(f'`{c}`' for c in captured)} alive" if captured else ""
        title = "closures piling up"
        return title, (
            f"Closures created by this function keep accumulating "
            f"({details.get('closure_count', '?')} new ones alive){holding}: {_counts_text(counts)} "
            f"{group.entry_class or 'objects'}, {bytes_text}."
        )
    if kind == "timer":
        timer_class = str(details.get("timer_class") or "Timeout")
        title = f"{timer_class} objects never cleared"
        return title, (
            f"Timers created here are never cleared: {_counts_text(counts)} {timer_class} objects alive, "
            f"{bytes_text}."
        )
    collection_class = str(details.get("collection_class") or "object")
    owner = f" in {evidence.owner}" if evidence.owner else ""
    if kind == "global":
        title = f"global{named} grows"
        return title, (
            f"Global{named} ({collection_class} on the global object) keeps growing: {_counts_text(counts)} "
            f"{group.entry_class or 'entries'}, {bytes_text}."
        )
    if kind == "queue":
        title = f"queue{named} never drained"
        return title, (
            f"{collection_class[:1].upper()}{collection_class[1:]}{named}{owner} is used as a queue "
            "that is never drained: "
            f"{_counts_text(counts)} queued {group.entry_class or 'items'}, {bytes_text}."
        )
    if kind == "third-party":
        package = details.get("package", "?")
        version = f"@{details['package_version']}" if details.get("package_version") else ""
        title = f"growth inside {package}"
        return title, (
            f"Objects kept by package `{package}{version}` keep growing ({collection_class}{named}): "
            f"{_counts_text(counts)} {group.entry_class or 'entries'}, {bytes_text}."
        )
    if kind == "collection":
        title = f"{collection_class}{named} grows without bound"
        return title, (
            f"{collection_class}{named}{owner} grows without bound: {_counts_text(counts)} "
            f"{group.entry_class or 'entries'}, {bytes_text}."
        )
    title = f"{group.entry_class or 'objects'} keep growing"
    return title, (
        f"{group.entry_class or 'Objects'} kept by {collection_class}{named} keep growing: "
        f"{_counts_text(counts)}, {bytes_text}."
    )


def build_findings(
    snapshots: list[HeapSnapshot], groups: list[LeakGroup], resolver: SourceResolver
) -> list[Finding]:
    """Classify every group that keeps growing; drop the ones that cannot be tied to anything."""
    classifier = Classifier(snapshots, resolver)
    findings: list[Finding] = []
    three = len(snapshots) >= 3
    for group in groups:
        if not keeps_growing(group.counts, group.retained):
            continue
        evidence = classifier.classify(group)
        kind = evidence.kind
        counts = group.counts
        if kind == "event-listener":
            listener_counts = (evidence.details or {}).get("listener_counts")
            if isinstance(listener_counts, list) and listener_counts:
                counts = [int(c) for c in listener_counts]
        growth = group.retained[-1] - group.retained[0]
        user_related = evidence.location is not None
        if not user_related and growth < OTHER_MIN_BYTES:
            continue
        if not user_related:
            if group.entry_class.startswith(("(compiled code)", "(system)", "system /", "(object shape)")):
                continue
            kind = "other"
        slowing = three and slowing_down(counts, group.retained)
        if slowing:
            severity = "information"
        elif three and growth >= ERROR_BYTES and user_related:
            severity = "error"
        elif user_related and (three or growth >= ERROR_BYTES):
            severity = "warning"
        else:
            severity = "information"
        title, message = _message(kind, evidence, group, counts)
        source_available = evidence.location not in classifier.unreadable
        if not source_available:
            message += " Source not available: the line is V8's position of the function."
        if slowing:
            message += (
                f" Growth slowed from +{counts[1] - counts[0]:,} to +{counts[2] - counts[1]:,} in the second "
                "interval: probably a cache still warming up; measure longer to be sure."
            )
        digest = hashlib.sha1(
            f"{kind}|{evidence.location}|{evidence.name}|{group.anchor_id}".encode(), usedforsecurity=False
        ).hexdigest()[:10]
        findings.append(
            Finding(
                id=f"{kind}-{digest}",
                kind=kind,
                severity=severity,
                message=message,
                location=evidence.location,
                growth_count=list(counts),
                growth_retained=list(group.retained),
                retainer_path=classifier.hops(evidence.path),
                fix_hint=_fix_hint(kind, evidence),
                title=title,
                allocation_site=evidence.allocation_site,
                details={
                    **{k: v for k, v in (evidence.details or {}).items() if k != "listener_counts"},
                    "name": evidence.name,
                    "owner": evidence.owner,
                    "new_objects": len(group.members),
                    "new_bytes": group.new_bytes,
                    **({} if source_available else {"source": "source not available"}),
                },
            )
        )
    return _merge_same_location(findings)


def _merge_same_location(findings: list[Finding]) -> list[Finding]:
    """Containers growing from the same line and kind are one finding to a developer: keep the biggest."""
    merged: dict[tuple[str, Location | None], Finding] = {}
    result: list[Finding] = []
    for finding in findings:
        key = (finding.kind, finding.location)
        if finding.location is not None and key in merged:
            merged[key].details.setdefault("also_in", 0)
            merged[key].details["also_in"] += 1
            continue
        merged[key] = finding
        result.append(finding)
    return result
