"""``python -m heapscope`` is the same as the ``heapscope`` command."""

from .cli import run

run()
