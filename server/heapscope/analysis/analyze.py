"""Offline analysis: two or three snapshot files in, a :class:`LeakReport` out."""

from __future__ import annotations

import contextlib
import importlib
import itertools
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor, as_completed
from typing import TYPE_CHECKING, Any

from ..progress import Phase, Progress, ProgressCallback, ignore
from ..snapshot import HeapSnapshot, SnapshotError, load_snapshot
from ..snapshot_files import interval_cpu_seconds, sidecar_scripts
from ..threads import mark_disposable
from .diff import diff_snapshots
from .leaks import DEFAULT_MIN_BYTES, group_survivors
from .model import LeakReport
from .paths import PathFinder
from .project_files import ProjectFiles

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# What only the steps after the loads use (the rules, source lookup, the report's
# renderers), tree-sitter among them: imported when first needed, or in a worker thread
# while the snapshots load (see analyze_snapshots), not before the first file is opened.
# numpy.ma too: numpy imports it on the first np.unique (to ask whether its input is a
# masked array), which would otherwise be in the grouping, on the main thread.
_LATER_MODULES = (".classify", ".census", ".source", ".report", "numpy.ma")


class AnalysisError(Exception):
    """The analysis cannot run on these inputs; ``str()`` is one line naming the problem."""


def check_same_process(snapshots: Sequence[HeapSnapshot], sample_size: int = 4000) -> None:
    """Refuse snapshots of different processes or sessions: comparing them would report nonsense.

    V8 numbers objects in heap order, so two runs of similar programs share many ids; but
    within one inspector session of one process an id always names the same object (V8
    forgets its ids when a session's HeapProfiler is disabled, so two ``heapscope
    snapshot`` calls number the same objects differently). A sample of shared ids whose
    type or name differ between the files gives different processes away. Compiled code
    is left out of the sample: V8 replaces a function's bytecode in place when it flushes
    it (``BytecodeArray`` becomes ``UncompiledData`` under the same id), which in a heap
    made mostly of code (a small worker thread) is several percent of the ids.
    """
    import numpy as np

    baseline = snapshots[0]
    for later in snapshots[1:]:
        shared = baseline.has_nodes_of(later)
        if np.count_nonzero(shared) < 0.05 * min(baseline.node_count, later.node_count):
            raise AnalysisError(_not_same(baseline, later, "almost no object ids in common"))
        comparable = shared & (later.node_type != later.node_type_id("code"))
        after = _spread_sample(comparable, sample_size)
        if not len(after):
            after = _spread_sample(shared, sample_size)
        before = baseline.nodes_by_ids(later.node_id[after])
        different = baseline.node_type[before] != later.node_type[after]
        names_before = [baseline.strings[i] for i in baseline.node_name[before].tolist()]
        names_after = [later.strings[i] for i in later.node_name[after].tolist()]
        different |= np.array([a != b for a, b in zip(names_before, names_after, strict=True)], dtype=bool)
        if different.mean() > 0.01:
            raise AnalysisError(
                _not_same(
                    baseline, later, f"{different.mean():.0%} of shared object ids name different objects"
                )
            )


def _spread_sample(marked: npt.NDArray[np.bool_], size: int) -> npt.NDArray[np.intp]:
    """Up to ``size`` of the ``marked`` nodes, spread evenly over them in ordinal order.

    The same files give the same sample in every run. The nodes are first thinned to every
    step-th ordinal, so that a few times ``size`` of them are listed rather than all (an
    ordinal list of a whole heap costs more than the check); should the marked nodes bunch
    up so that the thinned ones are too few, all of them are listed.
    """
    import numpy as np

    size = max(size, 1)
    count = int(np.count_nonzero(marked))
    step = max(1, count // (4 * size))
    listed = np.flatnonzero(marked[::step]) * step
    if len(listed) < min(size, count):
        listed = np.flatnonzero(marked)
    if len(listed) > size:
        listed = listed[np.arange(size) * len(listed) // size]
    return listed


def check_distinct_files(snapshots: Sequence[HeapSnapshot]) -> None:
    """Refuse one file given twice (by path, link or hard link), in one sentence."""
    for index, later in enumerate(snapshots):
        for earlier in snapshots[:index]:
            if _same_file(str(earlier.path), str(later.path)):
                raise AnalysisError(f"{later.path} is given twice: the snapshots must be different files")


def check_order(snapshots: Sequence[HeapSnapshot]) -> None:
    """Refuse snapshots out of order, or a copy of the one before, in one sentence.

    V8 gives every new heap object a higher id than all before it, so a later snapshot of
    one process always holds a higher id than an earlier one; a lower one means the files
    were given newest first, which would report every freed object as a leak. (Native
    and synthetic nodes are left out: Node numbers those by address.)
    """
    newest = [_newest_heap_id(snapshot) for snapshot in snapshots]
    for (earlier, newest_before), (later, newest_after) in itertools.pairwise(
        zip(snapshots, newest, strict=True)
    ):
        if newest_after < newest_before:
            raise AnalysisError(
                f"{later.path} was taken before {earlier.path}: give the snapshots oldest first"
            )
        # The sizes are summed only when the rest already matches.
        if (
            newest_after == newest_before
            and later.node_count == earlier.node_count
            and later.total_size == earlier.total_size
        ):
            raise AnalysisError(f"{later.path} is a copy of {earlier.path}: nothing happened between them")


def _newest_heap_id(snapshot: HeapSnapshot) -> int:
    heap = ~snapshot.of_types("native", "synthetic")
    return int(snapshot.node_id.max(where=heap, initial=0))


def _same_file(first: str, second: str) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return os.path.abspath(first) == os.path.abspath(second)


def _not_same(baseline: HeapSnapshot, later: HeapSnapshot, why: str) -> str:
    return (
        f"{later.path} is not a later snapshot of the same process and inspector session as "
        f"{baseline.path} ({why}); V8 renumbers objects in each session, so take the snapshots "
        "together with heapscope find-leaks TARGET"
    )


def analyze_loaded(
    snapshots: Sequence[HeapSnapshot],
    *,
    script_maps: Sequence[Mapping[str, Any] | None] | Mapping[str, Any] | None = None,
    min_bytes: int = DEFAULT_MIN_BYTES,
    progress: ProgressCallback | None = None,
    project: ProjectFiles | None = None,
    busy: Sequence[float] | None = None,
    final_paths: PathFinder | None = None,
) -> LeakReport:
    """Find what leaks between loaded snapshots; source files are read only through ``project``.

    ``project`` defaults to the projects the snapshot files belong to. ``busy``, the CPU
    seconds the program used in each interval (by default from the snapshots' sidecars,
    when Heapscope took them), lets the growth check tell a program that got less of a
    shared machine from a cache that warms up. ``final_paths``: a :class:`PathFinder` over
    the final snapshot whose tree may already be building (see :func:`start_final_trees`).
    """
    if len(snapshots) not in (2, 3):
        raise AnalysisError(f"need 2 or 3 snapshots (baseline, target[, final]), got {len(snapshots)}")
    ordered = list(snapshots)
    check_distinct_files(ordered)
    report_progress = progress or ignore
    # Indexes are computed on first use, so each snapshot gets only what the rules ask
    # of it: the final one its distances, dominators and (for paths) retainers; the
    # baseline and target their ids, classes and the dominator tree that measures the
    # few growing containers.
    paths = final_paths if final_paths is not None else PathFinder(ordered[-1])
    with _workers("heapscope-final") as background:
        if (os.cpu_count() or 1) > 1:
            # The final snapshot's dominator and path trees, on the other core while the
            # match checks run on this one: grouping reads both, and every finding's path
            # comes from the second (when they are already under way, this waits for them).
            start_final_trees(background, paths)
        report_progress(Progress(Phase.MATCH, 0, 1))
        check_same_process(ordered)
        check_order(ordered)
        report_progress(Progress(Phase.MATCH, 1, 1))
        if busy is None:
            busy = interval_cpu_seconds([s.path for s in ordered])
        groups = group_survivors(
            ordered, min_bytes=min_bytes, progress=report_progress, paths=paths, busy=busy
        )
    report_progress(Progress(Phase.COMPARE, 0, 1))
    comparison = diff_snapshots(ordered[0], ordered[-1])
    report_progress(Progress(Phase.COMPARE, 1, 1))
    from .census import closure_census
    from .classify import build_findings
    from .source import SourceResolver

    final_map = _final_script_map(ordered[-1], script_maps)
    files = project if project is not None else ProjectFiles.around(str(s.path) for s in ordered)
    resolver = SourceResolver(ordered[-1], final_map, files=files)
    findings = build_findings(ordered, groups, resolver, paths, progress=report_progress, busy=busy)
    report = LeakReport(
        target={},
        snapshots=[os.path.abspath(str(s.path)) for s in ordered],
        findings=findings,
        comparison=comparison,
        closures=closure_census(ordered[-1], resolver),
    )
    if len(ordered) == 2:
        report.notes.append("two snapshots only: growth could not be confirmed over a second interval")
    report.notes.extend(resolver.warnings)
    report.notes.extend(files.notes())
    report.project_roots = [str(root) for root in files.roots]
    report.sort()
    return report


@contextlib.contextmanager
def _workers(prefix: str) -> Iterator[ThreadPoolExecutor]:
    """Two worker threads for work started ahead of its use.

    When the analysis fails (a bad file, snapshots of two processes), the error is raised
    at once: what is queued is dropped and what runs is left to finish on its own, or to
    be abandoned by a command line that ends (the threads only compute in memory).
    """
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix=prefix, initializer=mark_disposable)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True, cancel_futures=True)


def start_final_trees(executor: Executor, paths: PathFinder) -> None:
    """Start the final snapshot's dominator tree and ``paths``' tree in ``executor``.

    Both are the longest single steps after loading and depend on nothing else, so they
    run while other work goes on (the match checks, the other snapshots' loads); a first
    use waits for them instead of computing them again. A failure is not raised here:
    the first use computes again and raises it where the analysis expects it.
    """
    paths.snapshot.build_dominators_in(executor)
    paths.build_in(executor)


def _import_later_modules() -> None:
    for name in _LATER_MODULES:
        importlib.import_module(name, __package__)


def _earlier_indexes(snapshot: HeapSnapshot) -> None:
    """What the match checks and the measuring ask of the baseline and target: the id
    lookup and the class of every node."""
    snapshot.node_by_id(0)
    snapshot.class_index  # noqa: B018 (computed and kept)


def _final_script_map(
    final: HeapSnapshot, script_maps: Sequence[Mapping[str, Any] | None] | Mapping[str, Any] | None
) -> Mapping[str, Any]:
    if isinstance(script_maps, Mapping):
        return script_maps
    if script_maps:
        last = script_maps[-1]
        if last:
            return last
    return sidecar_scripts(str(final.path))


def analyze_snapshots(
    paths: Sequence[str | os.PathLike[str]],
    *,
    script_maps: Sequence[Mapping[str, Any] | None] | Mapping[str, Any] | None = None,
    min_bytes: int = DEFAULT_MIN_BYTES,
    progress: ProgressCallback | None = None,
    project: ProjectFiles | None = None,
) -> LeakReport:
    """Load 2 or 3 snapshots of one process (baseline, target[, final]) and find what leaks.

    Raises :class:`AnalysisError` or :class:`~heapscope.snapshot.SnapshotError` with a one-line reason.
    """
    if len(paths) not in (2, 3):
        raise AnalysisError(f"need 2 or 3 snapshots (baseline, target[, final]), got {len(paths)}")
    if (os.cpu_count() or 1) <= 1:
        snapshots = load_snapshots(paths, progress)
        return analyze_loaded(
            snapshots, script_maps=script_maps, min_bytes=min_bytes, progress=progress, project=project
        )
    finders: list[PathFinder] = []
    last = len(paths) - 1
    # Each snapshot's own indexes start as soon as it is loaded, while the others still
    # parse: the final one's trees, the earlier ones' id lookups and classes; the modules
    # of the later steps are imported before any of them, while the files parse. The final
    # one's dominator tree, the longest of these, starts earlier still: as soon as its
    # graph is parsed, before its strings and locations are read.
    # Once the final one's trees are under way, the earlier ones' edge rules are prepared
    # too (queued behind the trees, they fill a core the trees leave idle): measuring
    # grows a tree over each of them.
    earlier: list[HeapSnapshot] = []
    lock = threading.Lock()
    with _workers("heapscope-ahead") as ahead:
        ahead.submit(_import_later_modules)

        def loaded(index: int, snapshot: HeapSnapshot) -> None:
            with lock:
                if index == last:
                    finders.append(PathFinder(snapshot))
                    start_final_trees(ahead, finders[0])
                    ready = list(earlier)
                else:
                    ahead.submit(_earlier_indexes, snapshot)
                    earlier.append(snapshot)
                    ready = [snapshot] if finders else []
                for other in ready:
                    ahead.submit(finders[0].finder_for(other).prepare)

        snapshots = load_snapshots(paths, progress, loaded=loaded, final_dominators_in=ahead)
        return analyze_loaded(
            snapshots,
            script_maps=script_maps,
            min_bytes=min_bytes,
            progress=progress,
            project=project,
            final_paths=finders[0],
        )


def load_snapshots(
    paths: Sequence[str | os.PathLike[str]],
    progress: ProgressCallback | None = None,
    *,
    loaded: Callable[[int, HeapSnapshot], None] | None = None,
    final_dominators_in: Executor | None = None,
) -> list[HeapSnapshot]:
    """Load several snapshots at once, one thread each.

    The parser spends its time in the C scanner, which runs without the GIL, and each
    load leaves gaps (the strings table, building the model) another load fills. The
    first file that fails, in the given order, is the error reported. Only the last one
    is mapped to source lines: the others are loaded without their sources, as
    :meth:`HeapSnapshot.release_sources` leaves them. ``loaded(index, snapshot)`` is
    called in the loading thread as each file is loaded, to start work on it early;
    the last one's dominator tree starts in ``final_dominators_in`` as soon as its graph
    is parsed (see :meth:`HeapSnapshot.load`).
    """
    report = progress or ignore
    names = ", ".join(os.path.basename(str(path)) for path in paths)
    report(Progress(Phase.LOAD, 0, len(paths), f"loading {names}"))
    last = len(paths) - 1

    def load(index: int, path: str | os.PathLike[str]) -> HeapSnapshot:
        snapshot = load_snapshot(
            path, sources=index == last, dominators_in=final_dominators_in if index == last else None
        )
        if loaded is not None:
            loaded(index, snapshot)
        return snapshot

    if len(paths) <= 1:
        snapshots = [load(index, path) for index, path in enumerate(paths)]
        report(Progress(Phase.LOAD, len(paths), len(paths), f"loading {names}"))
        return snapshots
    with ThreadPoolExecutor(max_workers=len(paths), thread_name_prefix="heapscope-load") as pool:
        futures = [pool.submit(load, index, path) for index, path in enumerate(paths)]
        for done, _ in enumerate(as_completed(futures), start=1):
            report(Progress(Phase.LOAD, done, len(paths), f"loading {names}"))
    return [future.result() for future in futures]


class BackgroundLoads:
    """Loads snapshots in a worker thread as a live hunt saves them, one after another.

    The baseline is parsed while the program runs on to the target and while the target
    streams in, and so on, so that after the final snapshot only its own load and the
    rules remain. Nothing more is computed ahead: the earlier snapshots need no full
    dominator tree, and CPU taken from the program slows the snapshot it is writing.
    Use as a context manager: leaving it drops loads that are no longer wanted.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="heapscope-preload")
        self._futures: list[Future[HeapSnapshot]] = []

    def add(self, path: str | os.PathLike[str]) -> None:
        self._futures.append(self._pool.submit(load_snapshot, path))

    def snapshots(self, progress: ProgressCallback | None = None) -> list[HeapSnapshot]:
        """The loaded snapshots in the order added; the first failure is raised."""
        report = progress or ignore
        total = len(self._futures)
        report(Progress(Phase.LOAD, sum(future.done() for future in self._futures), total))
        for done, _ in enumerate(as_completed(self._futures), start=1):
            report(Progress(Phase.LOAD, done, total))
        snapshots = [future.result() for future in self._futures]
        for earlier in snapshots[:-1]:
            earlier.release_sources()
        return snapshots

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> BackgroundLoads:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


__all__ = [
    "AnalysisError",
    "BackgroundLoads",
    "SnapshotError",
    "analyze_loaded",
    "analyze_snapshots",
    "load_snapshots",
    "start_final_trees",
]
