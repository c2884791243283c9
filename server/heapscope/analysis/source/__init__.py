"""Source analysis: from V8 scripts and positions to the files, functions and statements a
developer reads. ``index`` parses JavaScript/TypeScript with tree-sitter, ``files`` reads and
caches, ``sourcemaps`` maps generated positions to original ones, ``scripts`` resolves V8
script ids to files."""

from __future__ import annotations

from .files import is_user_path, package_of, package_root, package_version, read_source, source_index
from .index import Function, Site, SourceIndex
from .scripts import SourceResolver

__all__ = [
    "Function",
    "Site",
    "SourceIndex",
    "SourceResolver",
    "is_user_path",
    "package_of",
    "package_root",
    "package_version",
    "read_source",
    "source_index",
]
