"""Worker threads the process may end without waiting for.

Some threads only compute indexes in memory ahead of their use (a snapshot's dominator and
path trees). When the work they were started for fails (a bad file, snapshots of two
processes), what they compute is never read; the command line then ends the process
without waiting for a tree over a heap of gigabytes, which can take seconds. Threads that
touch files, sockets or child processes are never marked.
"""

from __future__ import annotations

import threading
import weakref

_DISPOSABLE: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
_LOCK = threading.Lock()


def mark_disposable() -> None:
    """Mark the calling thread (a pool's ``initializer``) as one whose work may be abandoned."""
    with _LOCK:
        _DISPOSABLE.add(threading.current_thread())


def only_disposable_left() -> bool:
    """True when every live thread but the calling one is marked disposable."""
    current = threading.current_thread()
    with _LOCK:
        return all(thread is current or thread in _DISPOSABLE for thread in threading.enumerate())
