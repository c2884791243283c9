"""docs/report.schema.json against reports built by hand: every kind, every optional field.

The real report a ``heapscope run`` produces is checked against the same schema in
test_run_and_reports.py; here each field the schema closes is exercised, and a renamed or
missing field must fail.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from heapscope.analysis import LeakReport
from heapscope.analysis.model import KINDS, SEVERITIES, ClassDelta, Finding, Location, PathHop

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"


def report_schema() -> dict[str, Any]:
    """The schema file, checked to be a valid draft 2020-12 schema itself."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@dataclass
class _Evidence:
    """Evidence as a kind rule hands it over (the fields :class:`FindingEvidence` reads)."""

    kind: str
    name: str
    related: list[Location]
    facts: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.facts,
            "name": self.name,
            "names": [self.name],
            "owner": "SessionStore",
            "related": [place.to_json() for place in self.related],
        }


_FACTS: dict[str, dict[str, Any]] = {
    "event-listener": {"emitter_class": "EventEmitter", "emitter": "bus", "event": "message", "api": "on"},
    "closure": {"captured": [{"name": "session", "retained_bytes": 200_000}], "closure_count": 40},
    "collection": {"collection_class": "Map", "entry_class": "Object"},
    "timer": {"timer_class": "Timeout"},
    "global": {"collection_class": "Array", "entry_class": "Object"},
    "queue": {"collection_class": "Array", "entry_class": "Job"},
    "third-party": {
        "collection_class": "Map",
        "entry_class": "Object",
        "package": "lru-cache",
        "package_version": None,
    },
    "other": {"collection_class": "Object", "top_classes": [{"class": "Buffer", "new_bytes": 4096}]},
}


def _finding(kind: str, index: int) -> Finding:
    here = Location("/app/server.js", 10 + index, 3)
    inside = Location("/app/node_modules/lru-cache/index.js", 120, 5)
    finding = Finding(
        id=f"{kind}-{index}",
        kind=kind,
        severity=SEVERITIES[index % len(SEVERITIES)],
        message=f"{kind} keeps growing",
        location=here,
        growth_count=[10, 20, 30],
        growth_retained=[1000, 2000, 3000 + index],
        retainer_path=[PathHop("(GC roots)", ""), PathHop("SessionStore store", "sessions", here)],
        fix_hint="release what is no longer needed",
        title=f"{kind} title",
        allocation_site=Location("/app/alloc.js", 4, 1),
        evidence=_Evidence(kind, "sessions", [inside], _FACTS[kind]),
        labels=(kind, "sessions"),
        extra={"new_objects": 20, "new_bytes": 2000, "also_in": 1},
    )
    finding.details["worker"] = {"threadId": 1, "script": "/app/worker.js"}
    return finding


def _every_kind() -> dict[str, Any]:
    findings = [_finding(kind, index) for index, kind in enumerate(KINDS)]
    # Without a line, allocation site or evidence: the nulls and the empty details.
    findings.append(Finding("bare", "other", "information", "heap grows", None, [1, 2, 3], [1, 2, 3], [], ""))
    report = LeakReport(
        target={"snapshots": ["/tmp/1.heapsnapshot", "/tmp/2.heapsnapshot", "/tmp/3.heapsnapshot"]},
        snapshots=["/tmp/1.heapsnapshot", "/tmp/2.heapsnapshot", "/tmp/3.heapsnapshot"],
        findings=findings,
        comparison=[ClassDelta("Object", 30, 5, 3000, 500)],
        notes=["two snapshots only: growth could not be confirmed over a second interval"],
    )
    return report.to_json()


def test_every_kind_and_optional_field_validates() -> None:
    document = _every_kind()
    assert {finding["kind"] for finding in document["findings"]} == set(KINDS)
    jsonschema.validate(document, report_schema())


def test_schema_enums_are_the_models_kinds_and_severities() -> None:
    finding = report_schema()["$defs"]["finding"]["properties"]
    assert tuple(finding["kind"]["enum"]) == KINDS
    assert tuple(finding["severity"]["enum"]) == SEVERITIES


def _drop(path: tuple[str | int, ...]) -> dict[str, Any]:
    document = copy.deepcopy(_every_kind())
    holder: Any = document
    for step in path[:-1]:
        holder = holder[step]
    del holder[path[-1]]
    return document


@pytest.mark.parametrize(
    "path",
    [
        ("version",),
        ("findings", 0, "location"),
        ("findings", 0, "growth", "retained_bytes"),
        ("findings", 0, "retainer_path", 1, "edge"),
        ("findings", 0, "details", "worker", "threadId"),
        ("comparison", 0, "size_delta"),
    ],
)
def test_a_missing_field_fails(path: tuple[str | int, ...]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(_drop(path), report_schema())


def test_a_renamed_field_fails() -> None:
    document = _every_kind()
    document["findings"][0]["fixHint"] = document["findings"][0].pop("fix_hint")
    with pytest.raises(jsonschema.ValidationError, match="fix_hint"):
        jsonschema.validate(document, report_schema())


def test_an_unknown_kind_fails() -> None:
    document = _every_kind()
    document["findings"][0]["kind"] = "listener"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, report_schema())
