"""Script URLs to paths, packages, and the parsed-source queries that find the line to change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heapscope.analysis.source import (
    SourceIndex,
    is_user_path,
    package_of,
    package_version,
    read_source,
    source_index,
)
from heapscope.analysis.source.locate import queue_like_name
from heapscope.script_urls import file_url_to_path, is_absolute_path, is_file_url, script_path


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/srv/app/main.js", "/srv/app/main.js"),
        ("file:///srv/app/main.mjs", "/srv/app/main.mjs"),
        ("file:///srv/my%20app/caf%C3%A9.mjs", "/srv/my app/café.mjs"),
        ("file://localhost/srv/app/main.mjs", "/srv/app/main.mjs"),
        ("file:///srv/app/main.mjs?v=2#top", "/srv/app/main.mjs"),
        ("FILE:///srv/app/main.mjs", "/srv/app/main.mjs"),
        ("file:///C:/Users/me/my%20app/main.mjs", "C:/Users/me/my app/main.mjs"),
        ("file:///c%3A/Users/me/main.mjs", "c:/Users/me/main.mjs"),
        ("file://build-host/share/app/main.mjs", "//build-host/share/app/main.mjs"),
        ("C:\\Users\\me\\app\\main.js", "C:\\Users\\me\\app\\main.js"),
        ("D:/app/main.js", "D:/app/main.js"),
        ("\\\\host\\share\\main.js", "\\\\host\\share\\main.js"),
        # A CommonJS path is a path, not a URL: a percent sign in it is part of the name.
        ("/srv/100%25/main.js", "/srv/100%25/main.js"),
        ("node:internal/timers", None),
        ("node:events", None),
        ("internal/process/task_queues", None),
        ("evalmachine.<anonymous>", None),
        ("https://cdn.example.com/app.js", None),
        ("webpack:///./src/app.js", None),
        ("app.js", None),
        ("C:app.js", None),
        ("", None),
    ],
)
def test_script_path(url: str, path: str | None) -> None:
    assert script_path(url) == path


def test_file_urls_of_source_maps_decode_like_scripts() -> None:
    assert file_url_to_path("file:///srv/my%20app/main.js.map") == "/srv/my app/main.js.map"
    assert file_url_to_path("file:///C:/app/main.js.map") == "C:/app/main.js.map"
    assert is_file_url("file:///x") and not is_file_url("/srv/file:/x")
    assert is_absolute_path("C:\\x") and is_absolute_path("/x") and not is_absolute_path("x/y")


def test_packages() -> None:
    assert package_of("/app/node_modules/lru-cache/index.js") == "lru-cache"
    assert package_of("/app/node_modules/@scope/pkg/lib/a.js") == "@scope/pkg"
    assert package_of("/app/node_modules/a/node_modules/b/x.js") == "b"
    assert package_of("/app/src/a.js") is None
    assert is_user_path("/app/src/a.js") and not is_user_path("/app/node_modules/a/x.js")


def test_package_version_from_its_package_json(tmp_path: Path) -> None:
    root = tmp_path / "node_modules" / "@acme" / "store"
    (root / "lib").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "@acme/store", "version": "2.3.4"}))
    assert package_version(str(root / "lib" / "index.js")) == "2.3.4"
    assert package_version(str(tmp_path / "app.js")) is None


def index(source: str, dialect: str = "javascript") -> SourceIndex:
    return SourceIndex(source.encode(), dialect)


def lines_of(sites: list[object]) -> list[int]:
    return [site.line + 1 for site in sites]  # type: ignore[attr-defined]


def test_url_with_double_slash_is_not_a_comment() -> None:
    source = index("function remember(k, v) {\n  fetch('http://example.test/x'); cache.set(k, v);\n}\n")
    function = source.function_at(0, 17)
    assert function is not None and function.lines == range(0, 3)
    assert lines_of(source.insertions(["cache"], function)) == [2]


def test_braces_in_strings_regex_and_templates_do_not_end_the_function() -> None:
    source = index(
        "function store(key, value) {\n"          # 1
        "  if (key === '}') return;\n"             # 2
        "  const re = /[}]+/g;\n"                  # 3
        "  const note = `closing } ${key}`;\n"     # 4
        "  const banner = `line one }\n"           # 5
        "  line two } still the template`;\n"      # 6
        "  registry.set(key, value);\n"            # 7
        "}\n"                                       # 8
        "function other() { registry.get(1); }\n"  # 9
    )  # fmt: skip
    function = source.function_at(0, 14)
    assert function is not None and function.lines == range(0, 8)
    assert lines_of(source.insertions(["registry"], function)) == [7]
    other = source.function_at(8, 14)
    assert other is not None and source.insertions(["registry"], other) == []


def test_code_in_strings_and_comments_is_not_an_insertion() -> None:
    source = index(
        "log('cache.set(k)');\n"
        "// cache.push(x)\n"
        "/* cache[k] = v */\n"
        "const s = `cache.add(${1})`;\n"
        "cache.add(item);\n"
    )
    assert lines_of(source.insertions(["cache"])) == [5]


def test_all_kinds_of_insertion() -> None:
    source = index(
        "jobs.push(a);\n"
        "jobs.unshift(b);\n"
        "jobs.splice(1, 0, c);\n"
        "seen.add(d);\n"
        "byId[d.id] = d;\n"
        "Object.assign(byId, more);\n"
        "list = [...list, e];\n"
        "state = { ...state, [k]: v };\n"
        "list = list.concat(f);\n"
        "other.push(g);\n"
    )
    assert lines_of(source.insertions(["jobs", "seen", "byId", "list", "state"])) == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
    ]


def test_property_assignment_counts_only_without_real_insertions() -> None:
    assert lines_of(index("registry.alpha = 1;\nregistry.beta = 2;\n").insertions(["registry"])) == [1, 2]
    source = index("registry.alpha = 1;\nregistry[name] = 2;\n")
    assert lines_of(source.insertions(["registry"])) == [2]


def test_aliases_of_a_global_and_destructuring() -> None:
    source = index(
        "const list = (globalThis.__audit ??= []);\n"          # 1
        "const other = list;\n"                                 # 2
        "const { sessions: live } = require('./state');\n"      # 3
        "let copy; copy = globalThis.registry || [];\n"        # 4
        "function record(entry) {\n"                            # 5
        "  other.push(entry);\n"                                # 6
        "  live.set(entry.id, entry);\n"                        # 7
        "  copy.push(entry);\n"                                 # 8
        "}\n"                                                   # 9
        "unrelated.push(1);\n"                                  # 10
    )  # fmt: skip
    record = source.function_at(4, 15)
    assert lines_of(source.insertions(["__audit"], record)) == [6]
    assert lines_of(source.insertions(["sessions"], record)) == [7]
    assert lines_of(source.insertions(["registry"], record)) == [8]
    assert "unrelated" not in source.aliases(["__audit"])


def test_class_fields_and_methods() -> None:
    source = index(
        "class Registry {\n"                       # 1
        "  #entries = new Map();\n"               # 2
        "  static all = [];\n"                     # 3
        "  items = [];\n"                          # 4
        "  add(item) {\n"                          # 5
        "    this.items.push(item);\n"            # 6
        "    this.#entries.set(item.id, item);\n"  # 7
        "    Registry.all.push(this);\n"           # 8
        "  }\n"                                     # 9
        "}\n"                                       # 10
    )  # fmt: skip
    method = source.function_at(4, 5)
    assert method is not None and method.name == "add" and method.lines == range(4, 9)
    assert lines_of(source.insertions(["items"], method)) == [6]
    assert lines_of(source.insertions(["#entries"], method)) == [7]
    assert lines_of(source.insertions(["all"], method)) == [8]


def test_typescript_generics_decorators_and_casts() -> None:
    source = index(
        "import { Injectable } from '@acme/di';\n"                          # 1
        "@Injectable()\n"                                                    # 2
        "export class Cache<K, V extends object> {\n"                        # 3
        "  private store = new Map<K, V>();\n"                               # 4
        "  put(key: K, value: V): void {\n"                                  # 5
        "    const target = this.store as Map<K, V>;\n"                      # 6
        "    (target as Map<K, V>).set(key, value);\n"                       # 7
        "  }\n"                                                              # 8
        "  remember<T>(items: T[]): T[] { return items; }\n"                 # 9
        "}\n"                                                                # 10
        "const pending = <Array<number>>(globalThis as any).pending;\n"     # 11
        "pending!.push(1);\n"                                                # 12
    , "typescript")  # fmt: skip
    put = source.function_at(4, 5)
    assert put is not None and put.name == "put"
    assert lines_of(source.insertions(["store"], put)) == [7]
    assert lines_of(source.insertions(["pending"])) == [12]
    assert lines_of(source.package_calls("@acme/di")) == [2]


def test_destructured_requires_esm_imports_and_objects_made_from_them() -> None:
    source = index(
        "const { createClient, Store: S } = require('cachekit');\n"  # 1
        "import memo, { wrap as w } from 'cachekit/lib';\n"          # 2
        "import * as ns from 'cachekit';\n"                           # 3
        "const path = require('node:path');\n"                        # 4
        "const client = createClient({ url: 'redis://x' });\n"       # 5
        "const store = new S();\n"                                    # 6
        "class Service {\n"                                           # 7
        "  constructor() { this.cache = ns.open(); }\n"               # 8
        "  handle(req) {\n"                                           # 9
        "    path.join('a', 'b');\n"                                  # 10
        "    client.child(req.id).get(req.url);\n"                    # 11
        "    store.load(req.id);\n"                                   # 12
        "    this.cache.put(req.id, req);\n"                          # 13
        "    const f = w(memo);\n"                                    # 14
        "  }\n"                                                       # 15
        "}\n"                                                         # 16
    )  # fmt: skip
    assert {
        "createClient",
        "S",
        "memo",
        "w",
        "ns",
        "client",
        "store",
        "this.cache",
    } <= source.package_bindings("cachekit")
    assert "path" not in source.package_bindings("cachekit")
    handle = source.function_at(8, 8)
    assert lines_of(source.package_calls("cachekit", handle)) == [11, 12, 13, 14]
    assert lines_of(source.package_calls("cachekit", handle, through=["store"])) == [12]
    assert lines_of(source.package_calls("cachekit")) == [5, 6, 8, 11, 12, 13, 14]


def test_listener_and_timer_registrations_at_a_position() -> None:
    source = index(
        "bus.on('price', (quote) => {\n"
        "  render(quote);\n"
        "});\n"
        'window.addEventListener("resize", onResize);\n'
        "const handle = setInterval(function tick() {\n"
        "  poll();\n"
        "}, 1000);\n"
    )
    listener = source.listener_registration_at(0, 16)
    assert listener is not None and (listener.line, listener.what) == (0, "on('price')")
    resize = source.listener_registration_at(3, 35)
    assert resize is not None and resize.what == "addEventListener('resize')"
    timer = source.timer_call_at(4, 36)
    assert timer is not None and (timer.line, timer.what) == (4, "setInterval")
    assert source.timer_call_at(0, 16) is None


def test_front_removals_make_a_queue_and_names_are_read_as_words() -> None:
    source = index(
        "backlog.push(x);\nconst next = backlog.shift();\nother.splice(0, 1);\nlog.splice(2, 1);\n"
    )
    assert lines_of(source.front_removals(["backlog"])) == [2]
    assert lines_of(source.front_removals(["other"])) == [3]
    assert source.front_removals(["log"]) == []
    assert queue_like_name("jobQueue") and queue_like_name("pending_jobs") and queue_like_name("outbox")
    assert not queue_like_name("networkPeers")
    assert not queue_like_name("workers")
    assert not queue_like_name("homework")


def test_linked_list_links() -> None:
    source = index(
        "function append(node) {\n  if (this.tail) this.tail.next = node;\n  this.tail = node;\n}\n"
    )
    function = source.function_at(0, 15)
    assert lines_of(source.link_assignments("next", function)) == [2]


def test_utf16_columns_on_non_ascii_lines() -> None:
    source = index("const label = 'héllo 😀'; function f(x) { cache.set(x, 1); }\n")
    function = source.function_at(0, 35)  # V8 columns count UTF-16 code units
    assert function is not None and function.name == "f" and function.column == 26
    sites = source.insertions(["cache"], function)
    assert [(s.line, s.column) for s in sites] == [(0, 42)]


def test_minified_bundle_with_a_source_map(tmp_path: Path) -> None:
    from heapscope.analysis.source.sourcemaps import encode_vlq, load_source_map

    original = tmp_path / "src" / "store.js"
    original.parent.mkdir()
    original.write_text("function keep(k, v) {\n  seen.set(k, v);\n}\n")
    bundle = tmp_path / "dist" / "bundle.min.js"
    bundle.parent.mkdir()
    code = 'var a="//x";function keep(k,v){seen.set(k,v)}'
    set_column = code.index("seen.set")
    function_column = code.index("function keep")
    mappings = ",".join(
        [
            encode_vlq([0, 0, 0, 0]),
            encode_vlq([function_column, 0, 0, 0]),
            encode_vlq([set_column - function_column, 0, 1, 2]),
        ]
    )
    source_map = {"version": 3, "sources": ["../src/store.js"], "names": [], "mappings": mappings}
    (bundle.parent / "bundle.min.js.map").write_text(json.dumps(source_map))
    bundle.write_text(code + "\n//# sourceMappingURL=bundle.min.js.map\n")
    parsed = source_index(str(bundle), bundle.read_bytes())
    function = parsed.function_at(0, code.index("(k,v)"))
    assert function is not None and function.name == "keep"
    site = parsed.insertions(["seen"], function)[0]
    loaded = load_source_map(str(bundle))
    assert loaded is not None
    mapped = loaded.original_position(site.line, site.column)
    assert mapped is not None and (mapped.source, mapped.line + 1) == (str(original), 2)


def test_a_file_is_parsed_once_per_content(tmp_path: Path) -> None:
    script = tmp_path / "a.js"
    script.write_text("items.push(1);\n")
    first = source_index(str(script), script.read_bytes())
    assert source_index(str(script), script.read_bytes()) is first
    script.write_text("items.push(1);\nitems.push(2);\n")
    second = source_index(str(script), script.read_bytes())
    assert second is not first and lines_of(second.insertions(["items"])) == [1, 2]
    assert read_source(str(tmp_path / "missing.js")) is None


def test_a_large_bundle_parses(tmp_path: Path) -> None:
    """A multi-megabyte generated file is parsed and queried (its time goes to bench, not here)."""
    chunk = "function f{n}(a){{var s='}}//';if(a){{cache{n}.set(a,s)}}return a}}\n"
    text = "".join(chunk.format(n=n) for n in range(75000))
    assert len(text) > 5_000_000
    parsed = SourceIndex(text.encode())
    function = parsed.function_at(74999, 12)
    assert function is not None and function.name == "f74999"
    assert lines_of(parsed.insertions(["cache74999"], function)) == [75000]


def test_without_a_name_any_insertion_in_the_function() -> None:
    source = index("function audit(req) {\n  const entry = { url: req.url };\n  log.push(entry);\n}\n")
    function = source.function_at(0, 14)
    assert lines_of(source.insertions(None, function)) == [3]
    assert source.insertions([], function) == []
