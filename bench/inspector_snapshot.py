"""Time a ~200 MB heap snapshot taken over the inspector socket against ``v8.writeHeapSnapshot``.

Same program, same run: the program builds its heap, then we take a snapshot in-process
(``v8.writeHeapSnapshot`` through a fixed expression) and one through Heapscope's
websocket session, alternating, and report the ratio and Heapscope's peak RSS.

Then the whole live hunt: from the baseline request to the report (three snapshots over
the socket, analysis overlapped with the transfers), against three in-process writes
alone, alternating; the waits between the snapshots are not counted.

    .venv/bin/python bench/inspector_snapshot.py [--objects 1100000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from heapscope.hunt import find_leaks_live
from heapscope.inspector import InspectorSession, connect, launch_node

HUNT_INTERVAL = 0.5  # seconds between the hunt's snapshots, subtracted from its wall time
HUNT_TARGET = 1.5  # hunt wall time / three in-process writes

PROGRAM = """\
const count = Number(process.argv[2]);
globalThis.items = [];
for (let i = 0; i < count; i++) globalThis.items.push({ index: i, text: 'item ' + i, next: null });
for (let i = 1; i < count; i++) globalThis.items[i - 1].next = globalThis.items[i];
console.error('built');
const sessions = [];
setInterval(() => {
  for (let i = 0; i < 20; i++) sessions.push({ opened: Date.now(), data: [i, i + 1] });
}, 100);
"""

IN_PROCESS = (
    "(() => { const started = process.hrtime.bigint(); "
    "require('v8').writeHeapSnapshot(process.env.HEAPSCOPE_BENCH_FILE); "
    "return Number(process.hrtime.bigint() - started) / 1e9; })()"
)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _hunt(session: InspectorSession, workspace: Path) -> float:
    """Seconds from the baseline request to the report, the waits between snapshots not counted."""
    started = time.perf_counter()
    report = find_leaks_live(session, interval=HUNT_INTERVAL, workspace=workspace)
    seconds = time.perf_counter() - started - 2 * HUNT_INTERVAL
    for path in report.snapshots:
        Path(path).unlink()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=1_100_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        program = scratch / "heap.js"
        program.write_text(PROGRAM)
        in_process_file = scratch / "in-process.heapsnapshot"
        env = {**os.environ, "HEAPSCOPE_BENCH_FILE": str(in_process_file)}
        node = launch_node(["node", str(program), str(args.objects)], env=env, timeout=30)
        try:
            while "built" not in node.stderr_tail():
                if node.poll() is not None:
                    raise SystemExit(f"the benchmark program died: {node.stderr_tail()}")
                time.sleep(0.1)
            with connect(node.ws_url or "", timeout=10) as session:
                baseline_rss = peak_rss_mb()
                socket_times, in_process_times, size = [], [], 0
                for _ in range(args.rounds):
                    in_process_times.append(float(session.evaluate_fixed(IN_PROCESS, timeout=600)))
                    in_process_file.unlink()
                    started = time.perf_counter()
                    saved = session.take_snapshot(dest=scratch / "socket.heapsnapshot", gc=False)
                    socket_times.append(time.perf_counter() - started)
                    size = saved.size
                    saved.path.unlink()
                hunt_ratios, hunt_times, write_times = [], [], []
                for round_number in range(args.rounds):
                    # Alternate which goes first: the heap grows a little (200 objects a second).
                    hunt_first = round_number % 2 == 1
                    if hunt_first:
                        hunt = _hunt(session, scratch / f"hunt-{round_number}")
                    writes = 0.0
                    for _ in range(3):
                        writes += float(session.evaluate_fixed(IN_PROCESS, timeout=600))
                        in_process_file.unlink()
                    if not hunt_first:
                        hunt = _hunt(session, scratch / f"hunt-{round_number}")
                    hunt_times.append(hunt)
                    write_times.append(writes)
                    hunt_ratios.append(hunt / writes)
        finally:
            node.stop()
    socket_best, in_process_best = min(socket_times), min(in_process_times)
    print(f"snapshot size:            {size / 1e6:,.0f} MB ({args.objects:,} objects built)")
    print(f"v8.writeHeapSnapshot:     {in_process_best:.2f} s (best of {args.rounds})")
    print(f"over the socket (saved):  {socket_best:.2f} s (best of {args.rounds}, incl. script map, fsync)")
    print(f"ratio socket/in-process:  {socket_best / in_process_best:.2f}")
    print(f"Heapscope peak RSS:       {peak_rss_mb():.0f} MB (after attaching: {baseline_rss:.0f} MB)")
    ratio = statistics.median(hunt_ratios)
    print(
        f"live hunt, baseline request to report: {statistics.median(hunt_times):.2f} s "
        f"(median of {args.rounds}; the {2 * HUNT_INTERVAL:g} s of waits not counted)"
    )
    print(f"three v8.writeHeapSnapshot:            {statistics.median(write_times):.2f} s (median)")
    print(
        f"ratio hunt/three writes:               {ratio:.2f} "
        f"(per round: {', '.join(f'{r:.2f}' for r in hunt_ratios)}; target <= {HUNT_TARGET:g}: "
        f"{'met' if ratio <= HUNT_TARGET else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
