"""What allocation tracking (``heapscope run``'s default) costs the program it watches.

Three small programs report how much work they get done per second: a CPU-bound loop
that allocates a little (JSON encode/decode of small objects), a loop that does nothing
but allocate, and an I/O-bound HTTP service on 127.0.0.1 driven by its own client. Each
runs for a while untouched, then with ``HeapProfiler.startTrackingHeapObjects``
(``trackAllocations: true``) on, as ``heapscope run`` does after its warm-up; the table
shows the throughput with tracking as a fraction of the throughput without.

    .venv/bin/python bench/allocation_tracking.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from heapscope.inspector import connect, launch_node

# Each program prints "rate N" once a second: units of work done in that second.
REPORT = """
let done = 0;
setInterval(() => { console.error(`rate ${done}`); done = 0; }, 1000);
"""

PROGRAMS = {
    "CPU-bound, some allocation (JSON round trips)": REPORT
    + """
function burst() {
  const until = Date.now() + 20;
  while (Date.now() < until) {
    JSON.parse(JSON.stringify({ id: done, name: 'order ' + done, items: [1, 2, 3] }));
    done++;
  }
  setImmediate(burst);
}
burst();
""",
    "allocation only (small objects)": REPORT
    + """
let keep = null;
function burst() {
  const until = Date.now() + 20;
  while (Date.now() < until) {
    for (let i = 0; i < 100; i++) keep = { index: i, next: keep && i % 50 ? keep : null };
    done++;
  }
  setImmediate(burst);
}
burst();
""",
    "I/O-bound HTTP service (loopback client)": REPORT
    + """
const http = require('node:http');
const server = http.createServer((request, response) => {
  setTimeout(() => response.end(JSON.stringify({ ok: true, at: Date.now() })), 2);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  function ask() {
    http.get({ host: '127.0.0.1', port, agent }, (response) => {
      response.resume();
      response.on('end', () => { done++; ask(); });
    });
  }
  for (let i = 0; i < 8; i++) ask();
});
""",
}


def last_rates(node_tail: str, count: int) -> list[int]:
    """The last ``count`` per-second rates the program printed (all from the current state)."""
    return [int(match) for match in re.findall(r"rate (\d+)", node_tail)][-count:]


def measure(source: str, seconds: int, scratch: Path) -> tuple[float, float]:
    program = scratch / "program.js"
    program.write_text(source)
    node = launch_node(["node", str(program)], timeout=30)
    try:
        with connect(node.ws_url or "", timeout=10) as session:
            time.sleep(2 + seconds)  # the first seconds let the JIT settle
            plain = last_rates(node.stderr_tail(), seconds - 1)
            session.start_allocation_tracking()
            time.sleep(1 + seconds)
            tracked = last_rates(node.stderr_tail(), seconds - 1)
            session.stop_allocation_tracking()
    finally:
        node.stop()
    if not plain or not tracked:
        raise SystemExit("the program reported no rates; is the machine overloaded?")
    return statistics.median(plain), statistics.median(tracked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="seconds measured in each state (>= 2)")
    args = parser.parse_args()
    print(f"{'program':<48} {'units/s plain':>14} {'with tracking':>14} {'slowdown':>9}")
    with tempfile.TemporaryDirectory() as scratch_name:
        for name, source in PROGRAMS.items():
            plain, tracked = measure(source, args.seconds, Path(scratch_name))
            slowdown = plain / tracked if tracked else float("inf")
            print(f"{name:<48} {plain:>14,.0f} {tracked:>14,.0f} {slowdown:>8.1f}x")


if __name__ == "__main__":
    main()
