"""Listing Node.js processes (psutil): what "Pick a Node process" offers, with their inspectors."""

from __future__ import annotations

import os
import subprocess

import pytest

from heapscope.inspector import list_node_processes
from heapscope.inspector.targets import has_inspect_option, inspect_ports_in, is_node_executable

from .conftest import NodeProgramFactory

pytestmark = pytest.mark.timeout(60)


def test_lists_node_processes_with_their_command_line_and_inspector(
    node_program: NodeProgramFactory,
) -> None:
    inspected = node_program(name="inspected.js")
    plain = node_program(flags=(), name="plain.js")
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        listed = {process.pid: process for process in list_node_processes()}
    finally:
        sleeper.kill()
        sleeper.wait()
    assert sleeper.pid not in listed
    assert os.getpid() not in listed

    first = listed[inspected.pid]
    assert first.command_line[-1] == str(inspected.path)
    assert first.inspecting is True
    assert first.inspector_ports == [int(inspected.host_port.rsplit(":", 1)[1])]

    second = listed[plain.pid]
    assert second.command_line[-1] == str(plain.path)
    assert (second.inspecting, second.inspector_ports) == (False, [])
    assert second.to_json() == {
        "pid": plain.pid,
        "commandLine": second.command_line,
        "inspecting": False,
        "inspectorPorts": [],
    }


def test_excluded_pids_are_left_out(node_program: NodeProgramFactory) -> None:
    program = node_program(flags=(), name="excluded.js")
    assert program.pid in {process.pid for process in list_node_processes()}
    assert program.pid not in {process.pid for process in list_node_processes(exclude=[program.pid])}


@pytest.mark.parametrize(
    ("arguments", "inspecting", "ports"),
    [
        (["node", "--inspect", "app.js"], True, []),
        (["node", "--inspect=9230", "app.js"], True, [9230]),
        (["node", "--inspect-brk=127.0.0.1:9231", "app.js"], True, [9231]),
        (["node", "--inspect=0", "app.js"], True, []),
        (["node", "--inspect-port=9232", "app.js"], False, [9232]),
        (["node", "app.js", "--inspector"], False, []),
    ],
)
def test_inspect_options_on_a_command_line(arguments: list[str], inspecting: bool, ports: list[int]) -> None:
    assert has_inspect_option(arguments) is inspecting
    assert inspect_ports_in(arguments) == ports


@pytest.mark.parametrize(
    ("name", "is_node"),
    [
        ("/usr/bin/node", True),
        ("nodejs", True),
        ("node22", True),
        ("C:\\Program Files\\nodejs\\node.exe", True),
        ("nodemon", False),
        ("python3", False),
    ],
)
def test_node_executables(name: str, is_node: bool) -> None:
    assert is_node_executable(name.replace("\\", "/")) is is_node
