"""A ``cached_property`` whose computation locks only its own instance.

Python 3.10 and 3.11's :func:`functools.cached_property` holds one lock per property for
every instance of the class, so two snapshots computing the same index in two threads (the
baseline's and the target's class index, each measured on its own core) take turns instead
of running at once. This one locks per instance and property: another thread asking for the
same value waits for it rather than computing it twice, and different snapshots never wait
for each other.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Generic, TypeVar, overload

_T = TypeVar("_T")
# Creating a per-instance lock is itself done under this one, briefly.
_LOCKS_LOCK = threading.Lock()
_LOCKS = "_cached_property_locks"


class cached_property(functools.cached_property[_T], Generic[_T]):
    """:func:`functools.cached_property`, computed once per instance, instances in parallel."""

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> cached_property[_T]: ...

    @overload
    def __get__(self, instance: object, owner: type[Any] | None = None) -> _T: ...

    def __get__(self, instance: object | None, owner: type[Any] | None = None) -> Any:
        if instance is None:
            return self
        name = self.attrname
        if name is None:
            raise TypeError("cached_property used without __set_name__")
        cache = instance.__dict__
        if name in cache:
            return cache[name]
        with _LOCKS_LOCK:
            locks = cache.setdefault(_LOCKS, {})
            lock = locks.setdefault(name, threading.Lock())
        with lock:
            if name not in cache:
                cache[name] = self.func(instance)
        return cache[name]
