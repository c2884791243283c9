"""What one JavaScript/TypeScript file says about a leak, read with a real parser (tree-sitter).

A heap snapshot knows where a function starts and which names hold a growing collection; the
statement a developer changes is found here: the function around a V8 position, the places
inserting into a collection known by any of several names (followed through simple aliases),
the calls through which the file reaches an npm package, and listener or timer registrations.
Comments, strings, regular expressions and template literals are tokens of the syntax tree,
so none of them is ever taken for code.

Positions in and out are 0-based lines and columns in UTF-16 code units, as V8 reports them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

Node = tree_sitter.Node

_FUNCTION_TYPES = (
    "function_declaration",
    "function_expression",
    "function",
    "generator_function_declaration",
    "generator_function",
    "arrow_function",
    "method_definition",
)
_INSERTING_METHODS = frozenset({"push", "unshift", "splice", "set", "add"})
_FRONT_REMOVING_METHODS = frozenset({"shift"})
_LISTENER_METHODS = frozenset({"on", "once", "addListener", "prependListener", "addEventListener"})
_TIMER_FUNCTIONS = frozenset({"setInterval", "setTimeout", "setImmediate"})
_WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "non_null_expression",
        "as_expression",
        "satisfies_expression",
        "type_assertion",
        "await_expression",
    }
)
_NAME_TOKENS = frozenset(
    {
        "identifier",
        "property_identifier",
        "private_property_identifier",
        "shorthand_property_identifier_pattern",
        "shorthand_property_identifier",
        "string_fragment",
    }
)
_ANY: set[str] = {"*any receiver*"}
"""Stands for "any collection" where the heap gave no name."""
_QUERY = """
(call_expression) @call
(new_expression) @new
(assignment_expression) @assign
(augmented_assignment_expression) @augmented
(variable_declarator) @declarator
(import_statement) @import
"""


@dataclass(frozen=True, order=True)
class Site:
    """One place in the file: 0-based line and UTF-16 column of the statement's expression."""

    line: int
    column: int
    what: str
    """What happens there: ``push``, ``set``, ``index-assign``, ``call``, ``on('data')``, ..."""


@dataclass(frozen=True)
class Function:
    """A function (or the whole file for top-level code) and the lines its body spans."""

    name: str
    line: int
    column: int
    end_line: int
    start_byte: int
    end_byte: int

    @property
    def lines(self) -> range:
        return range(self.line, self.end_line + 1)


@cache
def _language(dialect: str) -> tree_sitter.Language:
    if dialect == "typescript":
        return tree_sitter.Language(tree_sitter_typescript.language_typescript())
    if dialect == "tsx":
        return tree_sitter.Language(tree_sitter_typescript.language_tsx())
    return tree_sitter.Language(tree_sitter_javascript.language())


@cache
def _query(dialect: str) -> tree_sitter.Query:
    query: tree_sitter.Query = tree_sitter.Query(_language(dialect), _QUERY)
    return query


def dialect_for(path: str) -> str:
    """The grammar for a file name: TypeScript for .ts/.mts/.cts, TSX for .tsx, else JavaScript."""
    lower = path.lower()
    if lower.endswith(".tsx"):
        return "tsx"
    if lower.endswith((".ts", ".mts", ".cts")):
        return "typescript"
    return "javascript"


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def _unwrap(node: Node | None) -> Node | None:
    while node is not None and node.type in _WRAPPERS:
        node = node.named_children[0] if node.named_children else None
    return node


def _string_value(node: Node | None) -> str | None:
    node = _unwrap(node)
    if node is None or node.type not in ("string", "template_string"):
        return None
    if node.type == "template_string" and any(c.type == "template_substitution" for c in node.children):
        return None
    return "".join(_text(c) for c in node.named_children if c.type == "string_fragment")


def _member_name(node: Node) -> str:
    """``x`` for ``a.x``, ``a?.x``, ``a.#x``, ``a['x']``; "" otherwise."""
    if node.type == "member_expression":
        return _text(node.child_by_field_name("property")).lstrip("#")
    if node.type == "subscript_expression":
        return _string_value(node.child_by_field_name("index")) or ""
    return ""


def _pattern_names(pattern: Node) -> Iterator[tuple[str, str]]:
    """(property, local name) pairs a destructuring pattern binds; property "" for plain names."""
    if pattern.type == "identifier":
        yield "", _text(pattern)
        return
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            yield _text(child), _text(child)
        elif child.type == "pair_pattern":
            key = _text(child.child_by_field_name("key")).strip("'\"")
            value = child.child_by_field_name("value")
            if value is not None and value.type == "assignment_pattern":
                value = value.child_by_field_name("left")
            if value is not None and value.type == "identifier":
                yield key, _text(value)
            elif value is not None:
                yield from _pattern_names(value)
        elif child.type == "object_assignment_pattern":
            left = child.child_by_field_name("left")
            if left is not None:
                yield _text(left), _text(left)
        elif child.type in ("identifier", "array_pattern", "object_pattern", "rest_pattern"):
            for _, local in _pattern_names(
                child if child.type != "rest_pattern" else child.named_children[0]
            ):
                yield "", local
        elif child.type == "assignment_pattern":
            left = child.child_by_field_name("left")
            if left is not None:
                yield from _pattern_names(left)


class SourceIndex:
    """One parsed file. Build it once per file content (see :mod:`.files`); every query reuses the tree."""

    def __init__(self, text: bytes, dialect: str = "javascript", path: str = "") -> None:
        self.path = path
        self.text = text
        self.dialect = dialect
        parser = tree_sitter.Parser(_language(dialect))
        self.tree = parser.parse(text)
        self._lines = text.split(b"\n")
        self._nodes: dict[str, list[Node]] | None = None
        self._ranges: dict[tuple[int, int], dict[str, list[Node]]] = {}
        self._aliases: dict[frozenset[str], set[str]] = {}

    # ------------------------------------------------------------ positions

    def _byte_column(self, line: int, column: int) -> int:
        raw = self._lines[line] if 0 <= line < len(self._lines) else b""
        if raw.isascii():
            return column
        units = raw.decode("utf-8", "replace").encode("utf-16-le")[: 2 * column]
        return len(units.decode("utf-16-le", "replace").encode("utf-8"))

    def _utf16_column(self, line: int, byte_column: int) -> int:
        raw = self._lines[line] if 0 <= line < len(self._lines) else b""
        if raw.isascii():
            return byte_column
        return len(raw[:byte_column].decode("utf-8", "replace").encode("utf-16-le")) // 2

    def _site(self, node: Node, what: str) -> Site:
        row, byte_column = node.start_point
        return Site(row, self._utf16_column(row, byte_column), what)

    # ------------------------------------------------------------ the tree, indexed once

    @property
    def nodes(self) -> dict[str, list[Node]]:
        """The node kinds the queries need, collected in one pass of a tree-sitter query (in C)."""
        if self._nodes is None:
            captures = tree_sitter.QueryCursor(_query(self.dialect)).captures(self.tree.root_node)
            self._nodes = {
                name: sorted(found, key=lambda n: n.start_byte) for name, found in captures.items()
            }
        return self._nodes

    def _of(self, kind: str, within: Function | None) -> list[Node]:
        """Nodes of one kind in the file, or inside one function (queried over its bytes only)."""
        if within is None:
            return self.nodes.get(kind, [])
        key = (within.start_byte, within.end_byte)
        found = self._ranges.get(key)
        if found is None:
            cursor = tree_sitter.QueryCursor(_query(self.dialect))
            cursor.set_byte_range(within.start_byte, within.end_byte)
            captures = cursor.captures(self.tree.root_node)
            found = {
                name: sorted(
                    (n for n in nodes if key[0] <= n.start_byte and n.end_byte <= key[1]),
                    key=lambda n: n.start_byte,
                )
                for name, nodes in captures.items()
            }
            self._ranges[key] = found
        return found.get(kind, [])

    # ------------------------------------------------------------ functions

    def function_at(self, line: int, column: int) -> Function | None:
        """The innermost function whose text contains a V8 position (a function's start position
        is its parameter list or name, inside the function's node); None when the position is at
        the top level or outside the file."""
        if line < 0 or line >= len(self._lines):
            return None
        point = (line, self._byte_column(line, column))
        node: Node | None = self.tree.root_node.descendant_for_point_range(point, point)
        while node is not None and node.type not in _FUNCTION_TYPES:
            node = node.parent
        return self._function(node) if node is not None else None

    def _function(self, node: Node) -> Function:
        name_node = node.child_by_field_name("name")
        if name_node is None and node.parent is not None and node.parent.type == "variable_declarator":
            name_node = node.parent.child_by_field_name("name")
        row, byte_column = node.start_point
        return Function(
            name=_text(name_node),
            line=row,
            column=self._utf16_column(row, byte_column),
            end_line=node.end_point[0],
            start_byte=node.start_byte,
            end_byte=node.end_byte,
        )

    def whole_file(self) -> Function:
        root = self.tree.root_node
        return Function("", 0, 0, root.end_point[0], root.start_byte, root.end_byte)

    # ------------------------------------------------------------ collections

    def aliases(self, names: Iterable[str]) -> set[str]:
        """The names plus every local name bound to one of them: ``const a = b``, ``const a =
        (g.x ??= [])``, ``const { x: a } = g``, ``a = this.x`` (scope-insensitive, to a fixed point)."""
        known = {name.lstrip("#") for name in names if name}
        key = frozenset(known)
        if key in self._aliases:
            return set(self._aliases[key])
        for _ in range(4):
            before = len(known)
            declarators, assignments = self._bindings_mentioning(known)
            for declarator in declarators:
                target = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if target is None or value is None:
                    continue
                if target.type == "identifier":
                    if self._refers(value, known):
                        known.add(_text(target))
                elif target.type == "object_pattern":
                    for prop, local in _pattern_names(target):
                        if prop in known:
                            known.add(local)
            for assignment in assignments:
                left = assignment.child_by_field_name("left")
                right = assignment.child_by_field_name("right")
                if left is not None and left.type == "identifier" and self._refers(right, known):
                    known.add(_text(left))
            if len(known) == before:
                break
        self._aliases[key] = set(known)
        return known

    def _bindings_mentioning(self, names: set[str]) -> tuple[list[Node], list[Node]]:
        """Declarators and assignments in which one of the names occurs as a token: found from the
        names' occurrences in the text (each confirmed by the tree), so a large bundle is not walked."""
        declarators: dict[int, Node] = {}
        assignments: dict[int, Node] = {}
        root = self.tree.root_node
        for name in names:
            needle = name.encode()
            at = self.text.find(needle)
            while at >= 0:
                token = root.descendant_for_byte_range(at, at + len(needle))
                at = self.text.find(needle, at + len(needle))
                if token is None or token.type not in _NAME_TOKENS or _text(token).lstrip("#") != name:
                    continue
                node: Node | None = token
                for _ in range(8):
                    node = node.parent if node is not None else None
                    if node is None or node.type in _FUNCTION_TYPES or node.type.endswith("statement"):
                        break
                    if node.type == "variable_declarator":
                        declarators[node.start_byte] = node
                        break
                    if node.type == "assignment_expression":
                        assignments[node.start_byte] = node
        return list(declarators.values()), list(assignments.values())

    def _refers(self, node: Node | None, names: set[str]) -> bool:
        """Does this expression denote the collection: a name, ``g.name``, or an or-default of one."""
        node = _unwrap(node)
        if node is None:
            return False
        if names is _ANY:
            return node.type in ("identifier", "member_expression", "subscript_expression")
        if node.type == "identifier":
            return _text(node) in names
        if node.type in ("member_expression", "subscript_expression"):
            return _member_name(node) in names
        if node.type in ("augmented_assignment_expression", "assignment_expression"):
            return self._refers(node.child_by_field_name("left"), names) or (
                node.type == "assignment_expression"
                and self._refers(node.child_by_field_name("right"), names)
            )
        if node.type == "binary_expression":
            operator = _text(node.child_by_field_name("operator"))
            return operator in ("||", "??") and self._refers(node.child_by_field_name("left"), names)
        return False

    def insertions(self, names: Iterable[str] | None, within: Function | None = None) -> list[Site]:
        """Where the collection known by ``names`` (or an alias) gains entries, in file order:
        ``x.push/unshift/splice/set/add(...)``, ``x[k] = v``, ``Object.assign(x, ...)``,
        ``x = [...x, v]`` / ``{...x, k: v}`` / ``x.concat(...)``; ``x.k = v`` only when none of those.
        ``names=None`` (the heap gave no name) accepts any receiver, for use within one function."""
        known = self.aliases(names) if names is not None else _ANY
        if not known:
            return []
        strong: list[Site] = []
        weak: list[Site] = []
        for call in self._of("call", within):
            callee = _unwrap(call.child_by_field_name("function"))
            if callee is None or callee.type != "member_expression":
                continue
            method = _member_name(callee)
            receiver = callee.child_by_field_name("object")
            if method in _INSERTING_METHODS and self._refers(receiver, known):
                strong.append(self._site(call, method))
            elif method == "assign" and _text(receiver) == "Object":
                arguments = call.child_by_field_name("arguments")
                first = arguments.named_children[0] if arguments and arguments.named_children else None
                if self._refers(first, known):
                    strong.append(self._site(call, "Object.assign"))
        for assignment in self._of("assign", within):
            left = _unwrap(assignment.child_by_field_name("left"))
            right = _unwrap(assignment.child_by_field_name("right"))
            if left is None:
                continue
            if left.type == "subscript_expression" and self._refers(
                left.child_by_field_name("object"), known
            ):
                strong.append(self._site(assignment, "index-assign"))
            elif self._refers(left, known) and right is not None and self._grows_from(right, known):
                strong.append(self._site(assignment, "re-assign"))
            elif left.type == "member_expression" and self._refers(left.child_by_field_name("object"), known):
                weak.append(self._site(assignment, "property-assign"))
        return sorted(strong) if strong else sorted(weak)

    def _grows_from(self, value: Node, names: set[str]) -> bool:
        """``[...x, v]``, ``{...x, k: v}``, ``x.concat(v)``: a new value built from the old one."""
        if value.type in ("array", "object"):
            return any(
                child.type == "spread_element" and self._refers(child.named_children[0], names)
                for child in value.named_children
                if child.named_children
            )
        if value.type == "call_expression":
            callee = _unwrap(value.child_by_field_name("function"))
            return (
                callee is not None
                and callee.type == "member_expression"
                and _member_name(callee) == "concat"
                and self._refers(callee.child_by_field_name("object"), names)
            )
        return False

    def front_removals(self, names: Iterable[str]) -> list[Site]:
        """Where the collection is consumed from the front (``x.shift()``, ``x.splice(0, n)``): a queue."""
        known = self.aliases(names)
        found: list[Site] = []
        for call in self._of("call", None):
            callee = _unwrap(call.child_by_field_name("function"))
            if callee is None or callee.type != "member_expression":
                continue
            if not self._refers(callee.child_by_field_name("object"), known):
                continue
            method = _member_name(callee)
            arguments = call.child_by_field_name("arguments")
            first = arguments.named_children[0] if arguments and arguments.named_children else None
            if method in _FRONT_REMOVING_METHODS or (method == "splice" and _text(first) == "0"):
                found.append(self._site(call, method))
        return found

    def link_assignments(self, edge: str, within: Function | None = None) -> list[Site]:
        """``tail.next = node``: where a linked list (entries chained by ``edge``) gets a new link."""
        found: list[Site] = []
        for assignment in self._of("assign", within):
            left = _unwrap(assignment.child_by_field_name("left"))
            if left is not None and left.type == "member_expression" and _member_name(left) == edge:
                found.append(self._site(assignment, f".{edge} ="))
        return found

    # ------------------------------------------------------------ packages

    def package_bindings(self, package: str) -> set[str]:
        """Local names bound to a package (``require``/``import``: default, named, namespace,
        destructured) and to objects made from those (``const c = create()``, ``new Store()``,
        ``this.c = pkg.client()``; member bindings are kept as ``this.c``), to a fixed point."""
        bound: set[str] = set()
        for statement in self.nodes.get("import", []):
            source = _string_value(statement.child_by_field_name("source"))
            if source is None or not _is_package(source, package):
                continue
            for clause in statement.named_children:
                if clause.type != "import_clause":
                    continue
                for part in clause.named_children:
                    if part.type == "identifier":
                        bound.add(_text(part))
                    elif part.type == "namespace_import":
                        bound.update(_text(c) for c in part.named_children if c.type == "identifier")
                    elif part.type == "named_imports":
                        for spec in part.named_children:
                            local = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                            bound.add(_text(local))
        for _ in range(4):
            before = len(bound)
            for declarator in self.nodes.get("declarator", []):
                target = declarator.child_by_field_name("name")
                if target is not None and self._from_package(
                    declarator.child_by_field_name("value"), package, bound
                ):
                    bound.update(local for _, local in _pattern_names(target))
            for assignment in self.nodes.get("assign", []):
                left = _unwrap(assignment.child_by_field_name("left"))
                if left is None or not self._from_package(
                    assignment.child_by_field_name("right"), package, bound
                ):
                    continue
                if left.type == "identifier":
                    bound.add(_text(left))
                elif left.type == "member_expression":
                    bound.add("this." + _member_name(left))
            if len(bound) == before:
                break
        return bound

    def _from_package(self, node: Node | None, package: str, bound: set[str]) -> bool:
        """Is this expression the package or made by it: ``require('pkg')``, ``x.y(...)`` where x is bound."""
        node = _unwrap(node)
        while node is not None:
            if node.type == "call_expression":
                callee = _unwrap(node.child_by_field_name("function"))
                if (
                    callee is not None
                    and callee.type in ("identifier", "import")
                    and _text(callee)
                    in (
                        "require",
                        "import",
                    )
                ):
                    arguments = node.child_by_field_name("arguments")
                    first = arguments.named_children[0] if arguments and arguments.named_children else None
                    source = _string_value(first)
                    return source is not None and _is_package(source, package)
                node = callee
            elif node.type == "new_expression":
                node = _unwrap(node.child_by_field_name("constructor"))
            elif node.type in ("member_expression", "subscript_expression"):
                target = node.child_by_field_name("object")
                if target is not None and target.type == "this" and f"this.{_member_name(node)}" in bound:
                    return True
                node = _unwrap(target)
            elif node.type == "identifier":
                return _text(node) in bound
            else:
                return False
        return False

    def package_calls(
        self, package: str, within: Function | None = None, through: Iterable[str] = ()
    ) -> list[Site]:
        """Calls and ``new`` expressions that reach the package: on a binding of it, or on an object
        made by it; with ``through``, only those on the given local names (the object the heap shows)."""
        bound = self.package_bindings(package)
        wanted = set(through) & bound if through else bound
        if not bound or not wanted:
            return []
        found: list[Site] = []
        for kind in ("call", "new"):
            for call in self._of(kind, within):
                field = "function" if kind == "call" else "constructor"
                callee = _unwrap(call.child_by_field_name(field))
                if callee is not None and callee.type == "identifier" and _text(callee) == "require":
                    continue
                if self._from_package(callee, package, wanted) and not self._inside_call_on(
                    call, package, wanted
                ):
                    found.append(self._site(call, "new" if kind == "new" else "call"))
        return sorted(found)

    def _inside_call_on(self, call: Node, package: str, bound: set[str]) -> bool:
        """``client.a().b()``: report the chain once, at its outermost call."""
        parent = call.parent
        while parent is not None and parent.type in ("member_expression", *_WRAPPERS):
            parent = parent.parent
        return (
            parent is not None
            and parent.type in ("call_expression", "new_expression")
            and (self._from_package(parent.child_by_field_name("function"), package, bound))
        )

    def imports_package(self, package: str) -> bool:
        return bool(self.package_bindings(package))

    # ------------------------------------------------------------ registrations

    def _call_around(self, line: int, column: int) -> Iterator[Node]:
        point = (line, self._byte_column(line, column))
        node: Node | None = self.tree.root_node.descendant_for_point_range(point, point)
        while node is not None:
            if node.type == "call_expression":
                yield node
            node = node.parent

    def listener_registration_at(self, line: int, column: int) -> Site | None:
        """The ``x.on('event', ...)`` (once/addListener/addEventListener) call around a position."""
        for call in self._call_around(line, column):
            callee = _unwrap(call.child_by_field_name("function"))
            if (
                callee is not None
                and callee.type == "member_expression"
                and _member_name(callee) in _LISTENER_METHODS
            ):
                arguments = call.child_by_field_name("arguments")
                first = arguments.named_children[0] if arguments and arguments.named_children else None
                event = _string_value(first)
                return self._site(
                    call, f"{_member_name(callee)}({event!r})" if event is not None else _member_name(callee)
                )
        return None

    def timer_call_at(self, line: int, column: int) -> Site | None:
        """The ``setInterval/setTimeout/setImmediate(...)`` call around a position."""
        for call in self._call_around(line, column):
            callee = _unwrap(call.child_by_field_name("function"))
            name = _text(callee) if callee is not None and callee.type == "identifier" else ""
            if callee is not None and callee.type == "member_expression":
                name = (
                    _member_name(callee)
                    if _text(callee.child_by_field_name("object"))
                    in (
                        "globalThis",
                        "global",
                        "window",
                        "timers",
                    )
                    else ""
                )
            if name in _TIMER_FUNCTIONS:
                return self._site(call, name)
        return None


def _is_package(source: str, package: str) -> bool:
    return source == package or source.startswith(package + "/")
