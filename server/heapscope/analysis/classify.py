"""Turn growing containers into findings: which kind of leak, where to fix it, and why.

Each :class:`~heapscope.analysis.leaks.LeakGroup` becomes a :class:`~.kinds.Subject`: its
holder, the retainer path a developer recognises (:mod:`.paths`) to a representative entry,
and every name the holder goes by. The ordered rules of :mod:`.kinds` decide the kind from
the holder's structure; the first that matches locates the line a developer changes through
this module's source steps (insertion lines, calls into a package, list links) and writes
the message. Growth no group explains still becomes an ``other`` finding.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..progress import Phase, Progress, ProgressCallback, ignore
from ..script_urls import script_path
from ..snapshot import HeapSnapshot, RetainerHop
from ..snapshot.classes import class_sums
from ..units import format_bytes
from .alloc import AllocationTraces, Frame
from .kinds import RULES, Evidence, Growth, Subject
from .kinds.other import OtherEvidence, OtherRule
from .kinds.policy import severity
from .kinds.third_party import ThirdPartyEvidence
from .kinds.timer import is_timer_holder, timers_of
from .leaks import LeakGroup, class_growth, class_keeps_pace, idle_intervals, keeps_growing, slowing_down
from .model import Finding, Location, PathHop
from .paths import GLOBAL_CLASS_PREFIXES, IDENTIFIER, PathFinder
from .source import SourceResolver, is_user_path, package_of, package_version
from .source.locate import LineFinder, queue_like_name, source_names

IntArray = npt.NDArray[np.int64]

# Growth with no location below this is not worth a finding.
OTHER_MIN_BYTES = 1024 * 1024
# Growth no finding explains, per interval, above which it is reported anyway.
UNEXPLAINED_MIN_BYTES = 512 * 1024
_MAX_PATH_HOPS = 24
_CALLBACK_EDGES = ("listener", "callback", "_onTimeout", "_onImmediate", "handler", "fn", "cb")
_QUEUE_NAMES = re.compile(
    r"queue|jobs?$|tasks?$|pending|backlog|inbox|outbox|waiting|work|messages|buffer", re.I
)
# Owners whose names are declarations in the program: a function's or module's scope, the global.
_DECLARING_OWNERS = ("module ", "the global", "a function scope")
_ORDINALS = ("first", "second", "third", "fourth")
_CODE_CLASSES = ("(compiled code)", "(system)", "system /", "(object shape)")


class Classifier:
    """Graph helpers and source steps the kind rules call (``subject.source``)."""

    def __init__(
        self, snapshots: list[HeapSnapshot], resolver: SourceResolver, paths: PathFinder | None = None
    ) -> None:
        self.snapshots = snapshots
        self.final = snapshots[-1]
        self.resolver = resolver
        self.finder = LineFinder(resolver)
        self.unreadable: set[Location] = set()
        """V8 positions reported as they are because their source file could not be read."""
        self.paths = paths or PathFinder(self.final)
        self.traces = AllocationTraces(self.final)
        self.context_type = self.final.edge_type_id("context")
        self.closure_type = self.final.node_type_id("closure")
        self.chain = ""
        """The edge chaining a linked list's entries (``next``) for the group being located."""

    # ------------------------------------------------------------ graph helpers

    def label(self, node: int) -> str:
        snapshot = self.final
        if int(snapshot.node_type[node]) == self.closure_type:
            name = snapshot.name(node)
            return f"{name}()" if name else "(anonymous function)"
        if snapshot.type_name(node) == "synthetic":
            return snapshot.name(node) or "(root)"
        name = snapshot.class_name(node)
        return "global" if name.startswith("global /") else name

    def is_code_scope(self, node: int) -> bool:
        """A function or a function's scope: what separates a store from data a closure keeps."""
        return (
            int(self.final.node_type[node]) == self.closure_type
            or self.final.class_name(node) == "system / Context"
        )

    def user_location(self, node: int) -> Location | None:
        location = self.resolver.node_location(node)
        return location if location and is_user_path(location.path) else None

    def any_location(self, node: int) -> Location | None:
        """A file location even under node_modules (third-party code)."""
        return self.resolver.node_location(node)

    def callback_of(self, node: int) -> int:
        """The closure a developer wrote behind an entry: itself, its listener/callback, or a bound target."""
        snapshot = self.final
        if int(snapshot.node_type[node]) == self.closure_type:
            if self.any_location(node):
                return node
            # A bound function: once() binds its wrapper to a state holding the listener.
            state = snapshot.find_edge(node, "bound_this")
            inner = snapshot.find_edge(state, "listener") if state >= 0 else -1
            if (
                inner >= 0
                and int(snapshot.node_type[inner]) == self.closure_type
                and self.any_location(inner)
            ):
                return inner
            target = snapshot.find_edge(node, "bound_function")
            return target if target >= 0 else node
        for edge_name in _CALLBACK_EDGES:
            target = snapshot.find_edge(node, edge_name)
            if target >= 0 and int(snapshot.node_type[target]) == self.closure_type:
                inner = snapshot.find_edge(target, "listener")  # once() wrappers
                if inner >= 0 and self.any_location(inner):
                    return inner
                return self.callback_of(target)
        return -1

    def dominant_location(self, closures: list[int]) -> Location | None:
        """The location most closures share (user code counts double); ties broken by position."""
        votes: Counter[Location] = Counter()
        for closure in closures:
            location = self.any_location(closure)
            if location:
                votes[location] += 2 if is_user_path(location.path) else 1
        if not votes:
            return None
        return min(votes, key=lambda loc: (-votes[loc], loc.path, loc.line, loc.column))

    def names_of(self, node: int) -> list[tuple[str, str]]:
        """The holder's user-visible (name, owner) pairs, the program's own first.

        Closure variables of the program's scopes and properties of the global object come
        first (that is how the code spells the holder); properties of other objects follow;
        closure variables of Node's or a package's scopes are left out.
        """
        declared: list[tuple[str, str]] = []
        others: list[tuple[str, str]] = []
        snapshot = self.final
        for name in self.paths.names_of(node):
            holder_class = snapshot.class_name(name.holder)
            if name.edge_type == "context":
                script = self.context_script(name.holder)
                if script is None or not is_user_path(script):
                    continue
                declared.append((name.name, self.context_owner(name.holder)))
            elif holder_class.startswith(GLOBAL_CLASS_PREFIXES):
                declared.append((name.name, "the global object"))
            else:
                others.append((name.name, self.label(name.holder)))
        return declared + others

    def path_by_name(self, path: list[RetainerHop], hop: int, name: str) -> tuple[list[RetainerHop], int]:
        """``path`` with the part up to ``path[hop]`` replaced by the way in through ``name``.

        The preferred path is the shortest readable one, and it may reach a holder through
        whatever else points at it (a queued warning that mentions an emitter, a request that
        refers to a cache). The path shown should enter through the name the finding uses: the
        variable or property holding it. Returns (path, the holder's index in it), unchanged
        when the path already enters by that name or no reachable holder has it.
        """
        snapshot = self.final
        node = path[hop].node
        if not name or (path[hop].edge >= 0 and snapshot.edge_name(path[hop].edge) == name):
            return path, hop
        distances = self.paths.distances
        edges, sources = snapshot.retainers_of(node)
        best: tuple[int, int, int, int] | None = None
        for edge, source in zip(edges.tolist(), sources.tolist(), strict=True):
            if (
                snapshot.edge_type_name(edge) not in ("property", "context")
                or snapshot.edge_name(edge) != name
                or distances[source] < 0
            ):
                continue
            candidate = (int(distances[source]), int(snapshot.node_id[source]), edge, source)
            if best is None or candidate < best:
                best = candidate
        if best is None:
            return path, hop
        _, _, edge, holder = best
        prefix = self.paths.retainer_path(holder)
        tail = path[hop + 1 :]
        if node in {h.node for h in prefix} or {h.node for h in prefix} & {h.node for h in tail}:
            return path, hop
        return [*prefix, RetainerHop(node=node, edge=edge), *tail], len(prefix)

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

    def is_runtime_scope(self, context: int) -> bool:
        """A scope of Node's own code (``node:internal/timers``): its variables are not the program's."""
        snapshot = self.final
        edges, sources = snapshot.retainers_of(context)
        for edge, source in zip(edges.tolist()[:64], sources.tolist()[:64], strict=True):
            if int(snapshot.node_type[source]) == self.closure_type and snapshot.edge_name(edge) == "context":
                where = snapshot.location(source)
                url = self.resolver.script_url(where.script_id) if where else None
                if url:
                    return url.startswith("node:")
        return False

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
        script = self.context_script(context)
        return f"module {os.path.basename(script)}" if script else "a function scope"

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
        """The entry nearest the root by developer distance (then biggest, then oldest id)."""
        snapshot = self.final
        entries = group.entries if len(group.entries) else group.members
        names = snapshot.class_names
        same = entries[
            np.array([names[c] == group.entry_class for c in snapshot.class_index[entries]], dtype=bool)
        ]
        pool = same if len(same) else entries
        distances = self.paths.distances[pool].astype(np.int64)
        if np.any(distances >= 0):
            pool = pool[distances == distances[distances >= 0].min()]
        sizes = snapshot.retained_sizes[pool].astype(np.int64)
        pool = pool[sizes == sizes.max()]
        return int(pool[np.argmin(snapshot.node_id[pool])])

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
                # V8's own slots (a WeakMap's "part of key ... pair") are not names a program spells.
                if name in ("table", "elements", "properties", "context") or not IDENTIFIER.fullmatch(name):
                    continue
                holder = path[index - 1].node
                if snapshot.name(holder) == "system / Context" and self.is_runtime_scope(holder):
                    break  # held by Node's own state: no name the program spells
                if snapshot.class_name(holder) == "system / Context":
                    owner = self.context_owner(holder)
                elif snapshot.class_name(holder).startswith(GLOBAL_CLASS_PREFIXES):
                    owner = "the global object"
                else:
                    owner = self.label(holder)
                return name, owner
        return "", ""

    def holder_name(self, path: list[RetainerHop], anchor_hop: int, holder: int) -> tuple[str, str]:
        """(name, owner) a developer knows the holder by: a declared name, else the path's.

        A name on the path through another object (an Error that mentions the emitter, a
        request that points at the cache) is only used when the holder has no variable of
        its own in the program or on the global object.
        """
        on_path = self.collection_name(path, anchor_hop)
        declared = self.names_of(holder)
        if declared and (declared[0][1].endswith("()") or declared[0][1].startswith(_DECLARING_OWNERS)):
            return declared[0]
        return on_path if on_path[0] else (declared[0] if declared else ("", ""))

    def entries_of_class(self, group: LeakGroup) -> IntArray:
        """The group's entries of its dominant class (Map values, not their string keys)."""
        snapshot = self.final
        entries = group.entries if len(group.entries) else group.members
        wanted = [i for i, name in enumerate(snapshot.class_names) if name == group.entry_class]
        chosen = entries[np.isin(snapshot.class_index[entries], wanted)]
        return chosen if len(chosen) else entries

    def captured(self, closures: list[int]) -> list[dict[str, object]]:
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
        ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:5]
        return [{"name": name, "retained_bytes": size} for name, size in ranked]

    def top_classes(self, nodes: IntArray, limit: int = 5) -> list[tuple[str, int]]:
        """(class, bytes) of the biggest classes among ``nodes``."""
        snapshot = self.final
        if not len(nodes):
            return []
        _, totals = class_sums(snapshot, nodes)
        order = np.argsort(-totals, kind="stable")[:limit]
        return [(snapshot.class_names[int(i)], int(totals[int(i)])) for i in order if totals[int(i)] > 0]

    def allocating_package_file(self, group: LeakGroup) -> str | None:
        """A package file whose code allocated most entries, when allocation traces exist."""
        if not self.traces.available:
            return None
        found = self.traces.dominant_frame(self.entries_of_class(group), user_only=False)
        if found is None or not found[0].path or not package_of(found[0].path):
            return None
        return found[0].path

    # ------------------------------------------------------------ the subject

    def subject(self, group: LeakGroup) -> Subject:
        snapshot = self.final
        rep = self.representative(group)
        path = self.paths.retainer_path(rep)
        positions = [i for i, hop in enumerate(path) if hop.node == group.anchor]
        if not positions:
            path = self.paths.retainer_path(group.anchor)
            positions = [len(path) - 1] if path else []
        anchor_hop = positions[0] if positions else max(len(path) - 2, 0)
        edge_names = [snapshot.edge_name(hop.edge) if hop.edge >= 0 else "" for hop in path]
        self.chain = ""
        if group.entry_class not in ("Timeout", "Immediate"):
            anchor_hop = self._list_head(group, path, edge_names, anchor_hop)
        holder = path[anchor_hop].node if path else group.anchor
        name, owner = self.holder_name(path, anchor_hop, holder)
        declared = self.names_of(holder)
        if path and (name, owner) in declared:
            # The path shown (and the file owning the holder) follow the name the finding uses.
            path, anchor_hop = self.path_by_name(path, anchor_hop, name)
            edge_names = [snapshot.edge_name(hop.edge) if hop.edge >= 0 else "" for hop in path]
        names = [name] if name else []
        names += [other for other, _ in declared if other not in names]
        return Subject(
            group=group,
            source=self,
            path=path,
            anchor_hop=anchor_hop,
            edge_names=edge_names,
            name=name,
            owner=owner,
            names=names,
            owner_file=self.owner_script(path, anchor_hop),
            chain=self.chain,
        )

    def classify(self, group: LeakGroup) -> Evidence:
        """The first rule that matches decides the kind; its locate step finds the line."""
        subject = self.subject(group)
        for rule in RULES:
            evidence = rule.match(subject)
            if evidence is not None:
                self.chain = subject.chain
                rule.locate(subject, evidence)
                return evidence
        raise AssertionError("the last rule matches every group")

    def _list_head(
        self, group: LeakGroup, path: list[RetainerHop], edge_names: list[str], anchor_hop: int
    ) -> int:
        """For a linked list (entries chained by ``next``), the first link instead of the old tail.

        The nearest old dominator of new links is the last link of the baseline; the list a
        developer knows is what holds its first link (``queue.head``). Sets :attr:`chain`.
        """
        snapshot = self.final
        anchor = path[anchor_hop].node if path else group.anchor
        chain = edge_names[anchor_hop] if path else ""
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

    def _entry_edges(self, group: LeakGroup) -> set[str]:
        snapshot = self.final
        if not len(group.entries):
            return set()
        node = int(group.entries[0])
        return {snapshot.edge_name(edge) for edge in snapshot.edges_of(node)}

    # ------------------------------------------------------------ source steps

    def looks_like_queue(self, subject: Subject) -> bool:
        """An array (or linked list) whose name says queue, or that its code consumes from the front."""
        if any(queue_like_name(name) for name in subject.names[:1]) or queue_like_name(subject.owner):
            return True
        names = source_names(subject.names)
        return bool(
            subject.owner_file and names and self.finder.consumed_from_front(subject.owner_file, names)
        )

    def locate_insertion(
        self, subject: Subject, evidence: Evidence, *, search_all_scripts: bool = False
    ) -> None:
        """Collections, queues, globals: the line inserting the growing entries into one of the holder names.

        With allocation stacks, the insertion within the innermost user functions that allocated
        the entries (the allocating function may hand them to its caller or callee that inserts);
        then the insertion in the file owning the collection (for a global, in any user file);
        last, the allocating function's own position.
        """
        group = subject.group
        names = source_names([evidence.name, *subject.names] if evidence.name else subject.names)
        owner_file = subject.owner_file
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
                evidence.allocation_site = location or self._refine(
                    frame.path or "", frame.line, frame.column, names[0] if names else "", None
                )
        if location is None and self.chain and owner_file:
            location = self._chain_link_line(owner_file, 1, 1, whole_file=True)
        if location is None and names:
            files = [f.path for f in user_stack if f.path] + ([owner_file] if owner_file else [])
            if not files or search_all_scripts:
                files += self._user_scripts()
            location = self.finder.insertion_in_files(dict.fromkeys(files), names)
        if location is None:
            location = evidence.allocation_site
        if location is None:
            for index in range(subject.anchor_hop, 0, -1):
                location = self.user_location(subject.path[index].node)
                if location:
                    break
        evidence.location = location

    def locate_package_call(self, subject: Subject, evidence: ThirdPartyEvidence) -> None:
        """Growth held by an npm package: the location is the app's call into the package (in the
        user frame that reached it, else through the names the heap shows holding the package's
        object, else the file's first per-call use of it); the insertion inside the package is
        the related location (``allocation_site``)."""
        package = evidence.package
        names = source_names([evidence.name, *subject.names] if evidence.name else subject.names)
        entries = self.entries_of_class(subject.group)
        path, anchor_hop = subject.path, subject.anchor_hop
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
        if inside is None and is_timer_holder(subject):
            # A package's own timer: its callback (the housekeeping function that re-arms it).
            callbacks = [self.callback_of(int(node)) for node in timers_of(subject)[:100].tolist()]
            callback = self.dominant_location([c for c in callbacks if c >= 0])
            inside = callback if callback and package_of(callback.path) == package else None
        if location is None:
            location = fallback or inside or self._package_location(subject)
        evidence.location = location
        evidence.allocation_site = inside
        if inside is not None and inside != location:
            evidence.related.append(inside)
        version = self._package_version(package, inside)
        if version:
            evidence.version = version

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

    def package_inserting(self, name: str) -> str | None:
        """The package whose code inserts into a global no user file inserts into (its own state)."""
        if not name or self.finder.insertion_in_files(self.finder.user_scripts(), [name]) is not None:
            return None
        packages = sorted({p for p in map(package_of, self._snapshot_scripts()) if p})
        for package in packages:
            if self.finder.insertion_in_files(self.finder.package_scripts(package), [name]):
                return package
        return None

    def _snapshot_scripts(self) -> list[str]:
        paths = (script_path(url) for url in self.final.script_names.values())
        return [path for path in paths if path is not None]

    def _package_location(self, subject: Subject) -> Location | None:
        for index in range(subject.anchor_hop, 0, -1):
            location = self.any_location(subject.path[index].node)
            if location and not is_user_path(location.path):
                return location
        evidence_file = subject.owner_file
        if evidence_file and not is_user_path(evidence_file):
            return Location(evidence_file, 1, 1)
        return None

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


def build_findings(
    snapshots: list[HeapSnapshot],
    groups: list[LeakGroup],
    resolver: SourceResolver,
    paths: PathFinder | None = None,
    progress: ProgressCallback | None = None,
    busy: Sequence[float] | None = None,
) -> list[Finding]:
    """A finding per growing group, then one for growth no group explains.

    ``busy`` is the CPU seconds the program used in each interval, when the hunt measured
    it: growth that slowed only because the program got less of the machine is no warm-up.
    """
    report = progress or ignore
    classifier = Classifier(snapshots, resolver, paths)
    findings: list[Finding] = []
    idle = idle_intervals(busy, len(snapshots) - 1)
    # With one interval lost to a starved program, growth is confirmed over one interval only.
    three = len(snapshots) >= 3 and not any(idle)
    for done, group in enumerate(groups):
        report(Progress(Phase.CLASSIFY, done, len(groups)))
        if not keeps_growing(group.counts, group.retained, busy):
            continue
        evidence = classifier.classify(group)
        counts = group.counts
        listener_counts = getattr(evidence, "listener_counts", None)
        if listener_counts:
            counts = list(listener_counts)
        growth = group.retained[-1] - group.retained[0]
        located = evidence.location is not None
        if not located:
            if growth < OTHER_MIN_BYTES or group.entry_class.startswith(_CODE_CLASSES):
                continue
            if not isinstance(evidence, OtherEvidence):
                evidence = _as_other(classifier, group, evidence)
        finding = _finding(classifier, group, evidence, counts, three, located, busy)
        if any(idle):
            finding.message += _idle_sentence(busy or [], idle)
        findings.append(finding)
    report(Progress(Phase.CLASSIFY, len(groups), len(groups)))
    findings = _merge_same_collection(findings)
    if not any(f.severity in ("error", "warning") for f in findings):
        extra = _unexplained_growth(classifier, snapshots)
        if extra is not None:
            findings.append(extra)
    return findings


def _idle_sentence(busy: Sequence[float], idle: list[bool]) -> str:
    seconds = ", ".join(f"{value:.2f} s" for value in busy)
    quiet = " and ".join(f"the {_ORDINALS[i]}" for i, flag in enumerate(idle) if flag)
    return (
        f" The program barely ran in {quiet} interval (CPU time per interval: {seconds}), "
        "so its growth is confirmed over fewer intervals; measure again when the machine is less busy."
    )


def _as_other(classifier: Classifier, group: LeakGroup, evidence: Evidence) -> OtherEvidence:
    other = OtherRule().match(classifier.subject(group))
    assert isinstance(other, OtherEvidence)
    other.location = evidence.location
    return other


def _finding(
    classifier: Classifier,
    group: LeakGroup,
    evidence: Evidence,
    counts: list[int],
    three: bool,
    located: bool,
    busy: Sequence[float] | None = None,
) -> Finding:
    rule = next(rule for rule in RULES if rule.kind == evidence.kind)
    # A holder made after the baseline (count 0 there) filled its first interval from nothing:
    # only growth it already had can slow down.
    # The holder's own count must slow, and so must its entries' class in the whole heap.
    slowing = (
        three
        and counts[0] > 0
        and slowing_down(counts, group.retained, busy)
        and not class_keeps_pace(classifier.snapshots, group.entry_class)
    )
    level = severity(
        growth=group.retained[-1] - group.retained[0], located=located, three_snapshots=three, slowing=slowing
    )
    described = rule.describe(
        evidence, Growth(counts=counts, retained=group.retained, entry_class=group.entry_class)
    )
    message = described.message
    source_available = evidence.location not in classifier.unreadable
    if not source_available:
        message += " Source not available: the line is V8's position of the function."
    if slowing:
        message += (
            f" Growth slowed from +{counts[1] - counts[0]:,} to +{counts[2] - counts[1]:,} in the second "
            "interval: probably a cache still warming up; measure longer to be sure."
        )
    digest = hashlib.sha1(
        f"{evidence.kind}|{evidence.location}|{evidence.name}|{group.anchor_id}".encode(),
        usedforsecurity=False,
    ).hexdigest()[:10]
    return Finding(
        id=f"{evidence.kind}-{digest}",
        kind=evidence.kind,
        severity=level,
        message=message,
        location=evidence.location,
        growth_count=list(counts),
        growth_retained=list(group.retained),
        retainer_path=classifier.hops(evidence.path),
        fix_hint=described.fix_hint,
        title=described.title,
        allocation_site=evidence.allocation_site,
        evidence=evidence,
        labels=described.labels,
        extra={
            "new_objects": len(group.members),
            "new_bytes": group.new_bytes,
            **({} if source_available else {"source": "source not available"}),
        },
    )


def _unexplained_growth(classifier: Classifier, snapshots: list[HeapSnapshot]) -> Finding | None:
    """An ``other`` finding for a heap that grows in every interval while no group explains it."""
    if len(snapshots) < 3:
        return None
    growing = class_growth(snapshots)
    if not growing:
        return None
    first = sum(sizes[1] - sizes[0] for _, sizes in growing)
    second = sum(sizes[2] - sizes[1] for _, sizes in growing)
    if min(first, second) < UNEXPLAINED_MIN_BYTES:
        return None
    totals = [sum(sizes[i] for _, sizes in growing) for i in range(len(snapshots))]
    top = [(name, sizes[-1] - sizes[0]) for name, sizes in growing[:5]]
    evidence = OtherEvidence(path=[], anchor_hop=0, name="", owner="", top_classes=top)
    described = OtherRule().describe(evidence, Growth(counts=[], retained=totals, entry_class=top[0][0]))
    classes = ", ".join(f"{name} (+{format_bytes(size)})" for name, size in top[:3])
    trend = " → ".join(format_bytes(total) for total in totals)
    return Finding(
        id="other-" + hashlib.sha1(classes.encode(), usedforsecurity=False).hexdigest()[:10],
        kind="other",
        severity="warning",
        message=(
            f"The heap keeps growing but no single holder explains it: {classes} grew in every interval "
            f"({trend} in these classes)."
        ),
        location=None,
        growth_count=[],
        growth_retained=totals,
        retainer_path=[],
        fix_hint=described.fix_hint,
        title="heap keeps growing",
        evidence=evidence,
        labels=described.labels,
    )


def _merge_same_collection(findings: list[Finding]) -> list[Finding]:
    """Groups that are one collection to a developer (same kind, line and name) are one finding."""
    merged: dict[tuple[str, Location | None, str], Finding] = {}
    result: list[Finding] = []
    for finding in findings:
        name = finding.evidence.name if finding.evidence else ""
        key = (finding.kind, finding.location, name)
        if finding.location is not None and key in merged:
            merged[key].extra["also_in"] = int(merged[key].extra.get("also_in", 0)) + 1
            continue
        merged[key] = finding
        result.append(finding)
    return result
