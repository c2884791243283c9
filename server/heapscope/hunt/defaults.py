"""The hunt's defaults, in a module of their own: the command line shows them in its help.

Importing the modules that use them would load the inspector (websocket, psutil) at every
start, which a command on snapshot files never needs.
"""

from __future__ import annotations

# A leak of ~1 MB/s grows 3 MB per interval: far above the noise of a small program's
# heap (a few hundred kB of JIT and inline-cache churn), while warm-up plus three
# snapshots stay around 12 s. Three seconds of warm-up let module loading, the JIT and
# start-up caches settle; a cache that fills once during start-up and stops is then
# either complete in the baseline or shows no growth between target and final (and a
# cache still filling slows down visibly, which the analysis reports as information).
DEFAULT_INTERVAL = 3.0
DEFAULT_WARMUP = 3.0

RUNS_KEPT = 5
"""Hunts ``heapscope run`` keeps unless told otherwise: enough to compare a fix with the last few."""

ON_LEAK_ACTIONS = ("find-leaks",)
"""What a monitor may do by itself when its alarm fires."""
DEFAULT_KEEP = 5
"""Periodic snapshots a monitor keeps."""
