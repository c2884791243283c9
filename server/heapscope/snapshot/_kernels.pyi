"""Type stub: the compiled kernel has no Python API; it is used through ctypes via its file path."""
