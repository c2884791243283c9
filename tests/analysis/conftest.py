"""Fixtures for analysis tests: small real Node programs snapshotted at three moments.

Each program defines ``step(i, phase)``; the harness appended to it runs warm-up steps
(phase 0), writes the baseline snapshot, runs more steps (phase 1), writes the target,
runs more (phase 2) and writes the final snapshot with ``v8.writeHeapSnapshot``. Object
ids are stable within one process, so the three files behave like ``heapscope run``'s.
The line a finding must point at carries a trailing ``// LEAK`` comment.
"""

from __future__ import annotations

import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

HARNESS_CJS = """
;(function heapscopeHarness() {
  const v8 = require('node:v8');
  const inspector = require('node:inspector');
  const [out, mode, warm, steps] = process.argv.slice(2);
  const run = () => {
    let n = 0;
    for (let k = 0; k < Number(warm); k++) step(n++, 0);
    v8.writeHeapSnapshot(out + '/1-baseline.heapsnapshot');
    for (let k = 0; k < Number(steps); k++) step(n++, 1);
    v8.writeHeapSnapshot(out + '/2-target.heapsnapshot');
    for (let k = 0; k < Number(steps); k++) step(n++, 2);
    v8.writeHeapSnapshot(out + '/3-final.heapsnapshot');
    process.exit(0);
  };
  if (mode === 'track') {
    const session = new inspector.Session();
    session.connect();
    session.post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true }, run);
  } else {
    run();
  }
})();
"""

HARNESS_ESM = """
import heapscopeV8 from 'node:v8';
const [heapscopeOut, , heapscopeWarm, heapscopeSteps] = process.argv.slice(2);
{
  let n = 0;
  for (let k = 0; k < Number(heapscopeWarm); k++) step(n++, 0);
  heapscopeV8.writeHeapSnapshot(heapscopeOut + '/1-baseline.heapsnapshot');
  for (let k = 0; k < Number(heapscopeSteps); k++) step(n++, 1);
  heapscopeV8.writeHeapSnapshot(heapscopeOut + '/2-target.heapsnapshot');
  for (let k = 0; k < Number(heapscopeSteps); k++) step(n++, 2);
  heapscopeV8.writeHeapSnapshot(heapscopeOut + '/3-final.heapsnapshot');
  process.exit(0);
}
"""


@dataclass(frozen=True)
class Snapshotted:
    program: Path
    snapshots: list[Path]

    @property
    def leak_line(self) -> int:
        """1-based line of the ``// LEAK`` marker."""
        for number, text in enumerate(self.program.read_text().splitlines(), start=1):
            if "// LEAK" in text:
                return number
        raise AssertionError(f"{self.program} has no // LEAK marker")


def snapshot_program(
    directory: Path,
    source: str,
    *,
    name: str = "app.js",
    track: bool = False,
    warm: int = 20,
    steps: int = 60,
    harness: bool = True,
) -> Snapshotted:
    """Write ``source`` (dedented) plus the harness, run it with node, return the three snapshots.

    ``directory`` becomes a Node project (a package.json) with the snapshots inside it.
    """
    directory.mkdir(parents=True, exist_ok=True)
    # A Node project, as the analysis reads sources only inside the snapshots' project.
    if not any((place / "package.json").exists() for place in (directory, *directory.parents)):
        (directory / "package.json").write_text('{"private": true}\n')
    program = directory / name
    body = textwrap.dedent(source)
    if harness:
        body += HARNESS_ESM if name.endswith(".mjs") else HARNESS_CJS
    program.write_text(body)
    out = directory / "snapshots"
    out.mkdir(exist_ok=True)
    subprocess.run(
        ["node", str(program), str(out), "track" if track else "plain", str(warm), str(steps)],
        check=True,
        timeout=120,
        capture_output=True,
        cwd=directory,
    )
    return Snapshotted(program, sorted(out.glob("*.heapsnapshot")))


@pytest.fixture(scope="session")
def programs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("programs")
