"""The per-instance cached property: computed once per object, different objects at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from heapscope.cached import cached_property


class Index:
    def __init__(self, barrier: threading.Barrier | None = None) -> None:
        self.barrier = barrier
        self.computed = 0

    @cached_property
    def value(self) -> int:
        self.computed += 1
        if self.barrier is not None:
            self.barrier.wait(timeout=10)  # BrokenBarrierError unless the other one runs meanwhile
        return id(self)


def test_two_objects_compute_at_the_same_time() -> None:
    barrier = threading.Barrier(2)
    first, second = Index(barrier), Index(barrier)
    with ThreadPoolExecutor(max_workers=2) as pool:
        values = list(pool.map(lambda index: index.value, [first, second]))
    assert values == [id(first), id(second)]


def test_one_object_computes_once_for_every_thread() -> None:
    gate = threading.Event()

    class Slow:
        computed = 0

        @cached_property
        def value(self) -> list[int]:
            Slow.computed += 1
            gate.wait(timeout=10)
            return [1, 2, 3]

    slow = Slow()
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(lambda: slow.value) for _ in range(4)]
        gate.set()
        results = [future.result() for future in futures]
    assert Slow.computed == 1
    assert all(result is results[0] for result in results)
    assert slow.value is results[0]
    assert "value" in vars(slow)
