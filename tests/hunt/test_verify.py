"""``heapscope verify``: the matching rules on hand-built findings, then real hunts of a leak and its fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from heapscope.cli import main
from heapscope.hunt.verify import compare, to_text

from .conftest import CORPUS, ServiceFactory, leak_marker


def finding(
    ident: str, kind: str, line: int | None, growth: tuple[int, int], severity: str = "warning"
) -> dict[str, Any]:
    return {
        "id": ident,
        "kind": kind,
        "severity": severity,
        "title": f"{kind} thing",
        "message": "grows",
        "location": None if line is None else {"path": "/app/server.js", "line": line, "column": 3},
        "growth": {"count": [1, 2, 3], "retained_bytes": [0, growth[0], growth[1]]},
    }


def test_matching_by_id_then_place_and_new_ones_apart() -> None:
    before = [
        finding("event-listener-aaa", "event-listener", 10, (1_000_000, 2_000_000)),
        finding("collection-bbb", "collection", 20, (500_000, 1_000_000)),
        finding("timer-ccc", "timer", None, (100_000, 300_000)),
        finding("closure-ddd", "closure", 40, (0, 10_000), severity="information"),
    ]
    after = [
        finding("event-listener-zzz", "event-listener", 10, (1_500_000, 3_000_000)),  # same place
        finding("timer-ccc", "timer", 99, (100_000, 200_000)),  # same id
        finding("collection-yyy", "collection", 21, (400_000, 800_000)),  # another line: new
        finding("global-xxx", "global", 50, (0, 50_000), severity="information"),  # not a leak
    ]
    result = compare(before, after)
    assert [(v.before["id"], v.now and v.now["id"]) for v in result.verdicts] == [
        ("event-listener-aaa", "event-listener-zzz"),
        ("collection-bbb", None),
        ("timer-ccc", "timer-ccc"),
    ]
    assert [f["id"] for f in result.new] == ["collection-yyy"]
    assert not result.all_fixed
    text = to_text(result)
    assert (
        "/app/server.js:10: [event-listener] event-listener thing: still leaking (+2.0 MB → +3.0 MB)" in text
    )
    assert "/app/server.js:20: [collection] collection thing: fixed" in text
    assert "New since the earlier report (1):\n  /app/server.js:21: [collection]" in text
    assert text.endswith("not verified: 1 of 3 earlier leak(s) fixed, 1 new\n")


def test_all_fixed_needs_every_leak_gone_and_nothing_new() -> None:
    before = [finding("a", "collection", 20, (1, 2))]
    assert compare(before, []).all_fixed
    assert not compare(before, [finding("b", "timer", 5, (1, 2))]).all_fixed
    assert compare(before, [finding("b", "timer", 5, (1, 2), severity="information")]).all_fixed


def test_verify_a_live_leak_and_its_fixed_twin(
    start_service: ServiceFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = CORPUS / "event-listener"
    service = start_service(program / "main.js")
    service.settle(3.0)
    before = tmp_path / "before.json"
    common = ["--interval", "4", "--workspace", str(tmp_path), "--quiet"]
    code = main(["find-leaks", service.host_port, *common, "--format", "json", "-o", str(before)])
    assert code == 1, [(f["severity"], f["message"]) for f in json.loads(before.read_text())["findings"]]
    capsys.readouterr()
    _kind, path, line = leak_marker(program)

    assert main(["verify", str(before), service.host_port, *common]) == 1
    out = capsys.readouterr().out
    (verdict,) = [text for text in out.splitlines() if text.startswith(f"{path}:{line}: [event-listener]")]
    assert verdict.split(": ")[-1].startswith("still leaking (+") and " → +" in verdict
    assert "not verified: 0 of 1 earlier leak(s) fixed, 0 new" in out

    fixed_twin = ["node", str(program / "fixed-main.js")]
    assert main(["verify", *common, "--warmup", "2", str(before), "--", *fixed_twin]) == 0
    out = capsys.readouterr().out
    assert f"{path}:{line}: [event-listener]" in out and out.splitlines()[0].endswith(": fixed")
    assert out.endswith("verified: 1 of 1 earlier leak(s) fixed, 0 new\n")
    assert json.loads(before.read_text())["target"]["interval"] == 4


def test_verify_refuses_what_it_cannot_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "report.txt"
    text.write_text("1 finding:\n")
    assert main(["verify", str(text)]) == 2
    assert "is not JSON; write the report with --format json" in capsys.readouterr().err
    live = tmp_path / "live.json"
    live.write_text(json.dumps({"target": {"kind": "host-port", "pid": 1}, "findings": []}))
    assert main(["verify", str(live)]) == 2
    assert "give the target again" in capsys.readouterr().err
