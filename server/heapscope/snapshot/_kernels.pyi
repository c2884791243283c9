"""Type stub: the compiled kernel is used through ctypes via its file path."""

__file__: str
