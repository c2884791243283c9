"""The layering rule: the analysis core (snapshot/, analysis/) never reaches a live process or the editor.

Checked on the source, imports inside functions included, so a lazy import cannot hide
a dependency that would make the offline engine load websocket or LSP code.
"""

from __future__ import annotations

import ast
from pathlib import Path

import heapscope

PACKAGE = Path(heapscope.__file__).resolve().parent
CORE = ("snapshot", "analysis")
FORBIDDEN = ("heapscope.inspector", "heapscope.lsp", "heapscope.hunt", "pygls", "lsprotocol", "websocket")


def _imported_modules(text: str, package: str) -> list[str]:
    """Absolute names of every module ``text`` (a module of ``package``) imports, relative ones resolved."""
    names: list[str] = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names.append(module)
            names += [f"{module}.{alias.name}" for alias in node.names]
    return names


def _banned(names: list[str]) -> list[str]:
    return [name for name in names if any(name == b or name.startswith(b + ".") for b in FORBIDDEN)]


def test_the_core_imports_nothing_live() -> None:
    sources = [path for layer in CORE for path in sorted((PACKAGE / layer).rglob("*.py"))]
    assert len(sources) > 10  # the walk found the core's modules
    offending = {
        f"{source.relative_to(PACKAGE)} imports {name}"
        for source in sources
        for name in _banned(
            _imported_modules(source.read_text(), ".".join(source.relative_to(PACKAGE.parent).parts[:-1]))
        )
    }
    assert not offending, sorted(offending)


def test_the_rule_sees_lazy_and_relative_imports() -> None:
    lazy = "def hunt():\n    from ..inspector import connect\n    import websocket\n"
    assert _banned(_imported_modules(lazy, "heapscope.analysis")) == [
        "heapscope.inspector",
        "heapscope.inspector.connect",
        "websocket",
    ]
    assert _banned(_imported_modules("from .model import Finding\n", "heapscope.analysis")) == []


def test_the_language_server_reads_no_command_line_module() -> None:
    """What a CLI prints is computed in the engine, so the editor asks the engine, not the CLI."""
    sources = sorted((PACKAGE / "lsp").rglob("*.py"))
    assert len(sources) > 5
    command_lines = (
        "heapscope.snapshot.cli",
        "heapscope.analysis.cli",
        "heapscope.inspector.cli",
        "heapscope.hunt.cli",
    )
    offending = {
        f"{source.relative_to(PACKAGE)} imports {name}"
        for source in sources
        for name in _imported_modules(source.read_text(), "heapscope.lsp")
        if any(name == cli or name.startswith(cli + ".") for cli in command_lines)
    }
    assert not offending, sorted(offending)
