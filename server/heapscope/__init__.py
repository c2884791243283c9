"""Heapscope: find Node.js memory leaks from heap snapshots, in the editor and in CI."""

__version__ = "0.1.0"
