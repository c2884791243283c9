"""A hunt that cannot finish says why in one sentence and names the kind of failure for code to act on."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from heapscope.hunt import RunError, RunErrorKind, RunOptions, find_leaks_live, run_program
from heapscope.inspector import InspectorErrorKind, connect
from heapscope.progress import Phase, Progress

from .conftest import CORPUS, ServiceFactory

pytestmark = pytest.mark.timeout(120)


def _run(tmp_path: Path, source: str, warmup: float = 1.5) -> RunError:
    program = tmp_path / "program.js"
    program.write_text(source)
    with pytest.raises(RunError) as caught:
        run_program(["node", str(program)], RunOptions(interval=0.5, warmup=warmup, workspace=str(tmp_path)))
    assert "\n" not in str(caught.value)
    return caught.value


def test_a_program_that_ends_is_finished_not_crashed(tmp_path: Path) -> None:
    error = _run(tmp_path, "setTimeout(() => console.log('done'), 300);\n")
    assert error.kind is RunErrorKind.PROGRAM_FINISHED
    assert "program finished" in str(error) and "keeps running" in str(error)


def test_a_program_that_throws_during_the_warm_up_exited(tmp_path: Path) -> None:
    error = _run(
        tmp_path, "setInterval(() => {}, 1000);\nsetTimeout(() => { throw new Error('boom'); }, 300);\n"
    )
    assert error.kind is RunErrorKind.PROGRAM_EXITED
    assert "stopped with an error" in str(error) and "Error: boom" in str(error)


def test_a_program_that_exits_with_a_code_names_the_code(tmp_path: Path) -> None:
    error = _run(tmp_path, "setInterval(() => {}, 1000);\nsetTimeout(() => process.exit(3), 300);\n")
    assert error.kind is RunErrorKind.PROGRAM_EXITED
    assert str(error).endswith("(exit code 3)")


def test_a_program_that_cannot_start(tmp_path: Path) -> None:
    # Node opens its inspector before it parses the script: the error comes at the attach
    # or, when the attach was quicker, during the warm-up.
    error = _run(tmp_path, "this is not javascript\n")
    assert error.kind in (RunErrorKind.LAUNCH, RunErrorKind.PROGRAM_EXITED)
    assert "SyntaxError" in str(error)
    with pytest.raises(RunError) as caught:
        run_program(["no-such-node", "x.js"], RunOptions(workspace=str(tmp_path)))
    assert (caught.value.kind, caught.value.inspector_kind) == (
        RunErrorKind.LAUNCH,
        InspectorErrorKind.LAUNCH,
    )
    with pytest.raises(RunError) as caught:
        run_program(["node", "x.js"], RunOptions(interval=0))
    assert caught.value.kind is RunErrorKind.INVALID


def test_a_target_killed_during_a_live_hunt(start_service: ServiceFactory, tmp_path: Path) -> None:
    service = start_service(CORPUS / "event-listener" / "main.js")
    service.settle()
    killed = threading.Event()

    def kill_while_waiting(event: Progress) -> None:
        if event.phase is Phase.INTERVAL and not killed.is_set():
            killed.set()
            service.stop()

    with connect(service.host_port) as session, pytest.raises(RunError) as caught:
        find_leaks_live(session, interval=1.0, workspace=tmp_path, progress=kill_while_waiting)
    assert caught.value.kind is RunErrorKind.SNAPSHOT
    assert caught.value.inspector_kind in (InspectorErrorKind.TARGET_EXITED, InspectorErrorKind.NOT_LISTENING)
    assert str(caught.value).startswith("target snapshot failed: ")
