"""Start a Node program with its inspector on a free loopback port (for ``heapscope run``).

``--inspect=127.0.0.1:0`` lets the OS pick the port, so parallel runs never collide;
Node prints the resulting URL on stderr as ``Debugger listening on ws://…``. We keep
reading stderr for the whole life of the process (a full pipe would block the program)
and keep its last lines, which make the error when the program dies before listening.
"""

from __future__ import annotations

import collections
import contextlib
import os
import re
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence
from typing import IO, Any

import psutil

from .errors import InspectorError, InspectorErrorKind
from .targets import is_node_executable

INSPECT_FLAG = "--inspect=127.0.0.1:0"
_LISTENING = re.compile(r"Debugger listening on (ws://\S+)")
# Lines Node's inspector itself prints; not the program's output.
_INSPECTOR_NOISE = re.compile(
    r"^(Debugger listening on|For help, see: |Debugger attached\.|Waiting for the debugger)"
)
_TAIL_LINES = 20


class NodeProcess:
    """A running Node program with its inspector open on a loopback port."""

    def __init__(
        self, process: subprocess.Popen[bytes], echo_stderr: IO[str] | None, args: Sequence[str] = ()
    ) -> None:
        self.process = process
        self.args = list(args)
        self.pid = process.pid
        self.ws_url: str | None = None
        self._echo = echo_stderr
        self._tail: collections.deque[str] = collections.deque(maxlen=_TAIL_LINES)
        self._url_known = threading.Event()
        self._reader = threading.Thread(
            target=self._read_stderr, name=f"heapscope-node-{self.pid}", daemon=True
        )
        self._reader.start()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            line = raw.decode(errors="replace").rstrip("\r\n")
            match = _LISTENING.search(line)
            if match and self.ws_url is None:
                self.ws_url = match.group(1)
                self._url_known.set()
            if _INSPECTOR_NOISE.match(line):
                continue
            self._tail.append(line)
            if self._echo is not None:
                with contextlib.suppress(OSError, ValueError):
                    self._echo.write(line + "\n")
                    self._echo.flush()
        self._url_known.set()  # end of stderr: the process is gone

    def node_children(self) -> list[tuple[int, list[str]]]:
        """(PID, command line) of the Node processes this program started (cluster, fork), at any depth.

        Their heaps are not this process's: a hunt of this process does not see them.
        """
        try:
            children = psutil.Process(self.pid).children(recursive=True)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return []
        found = []
        for child in children:
            try:
                command_line = child.cmdline()
                executable = child.exe() or (command_line[:1] or [""])[0]
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            if is_node_executable(executable) or (command_line and is_node_executable(command_line[0])):
                found.append((child.pid, command_line))
        return found

    def stderr_tail(self) -> str:
        """The program's last stderr lines (inspector banners left out)."""
        return "\n".join(self._tail)

    def failure(self, what: str | None = None) -> InspectorError | None:
        """If the program has exited, the error to show: exit code plus the line that says why.

        A program can die right after its inspector opened (a syntax error is reported
        after the URL); ``heapscope run`` uses this when the session then fails.
        """
        exit_code = self.process.poll()
        if exit_code is None:
            return None
        self._reader.join(timeout=2.0)  # let the last stderr lines in
        return _exit_error(what or " ".join(self.args), exit_code, self.stderr_tail())

    def poll(self) -> int | None:
        return self.process.poll()

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    def wait(self, timeout: float | None = None) -> int:
        return self.process.wait(timeout)

    def stop(self, grace: float = 3.0) -> int | None:
        """End the program and anything it started: SIGTERM to its process group, then SIGKILL."""
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(grace)
        else:
            # The leader exited; children it left in the group still go.
            self._signal_group(signal.SIGKILL)
        self._reader.join(timeout=grace)
        if self.process.stderr is not None:
            with contextlib.suppress(OSError):
                self.process.stderr.close()
        return self.process.returncode

    def _signal_group(self, signum: int) -> None:
        try:
            if os.name == "posix":
                os.killpg(self.process.pid, signum)
            else:
                self.process.send_signal(signum)
        except (ProcessLookupError, PermissionError):
            pass

    def __enter__(self) -> NodeProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def launch_node(
    argv: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 10.0,
    stdout: Any = None,
    echo_stderr: IO[str] | None = None,
) -> NodeProcess:
    """Start ``argv`` (``argv[0]`` is node) with the inspector on; return once its URL is known.

    ``stdout`` is passed to :class:`subprocess.Popen` (None: inherit). ``echo_stderr``,
    when given, receives the program's stderr lines as they come.
    """
    if not argv:
        raise InspectorError(
            "no program to run: give the node executable and its arguments", kind=InspectorErrorKind.INVALID
        )
    _refuse_waiting_for_debugger(argv, os.environ if env is None else env)
    command = [argv[0], INSPECT_FLAG, *argv[1:]]
    try:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.PIPE,
            start_new_session=os.name == "posix",
        )
    except FileNotFoundError:
        raise InspectorError(
            f"cannot run {argv[0]}: not found (is Node.js installed and on PATH?)",
            kind=InspectorErrorKind.LAUNCH,
            target=argv[0],
        ) from None
    except OSError as error:
        raise InspectorError(
            f"cannot run {argv[0]}: {error.strerror or error}", kind=InspectorErrorKind.LAUNCH, target=argv[0]
        ) from None
    node = NodeProcess(process, echo_stderr, argv)
    node._url_known.wait(timeout)
    if node.ws_url is not None:
        return node
    # stderr closed: the process is exiting; give it a moment to be reaped.
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(2.0)
    exit_code = process.poll()
    node.stop()
    tail = node.stderr_tail()
    if exit_code is None:
        reason = _key_line(tail)
        detail = f": {reason}" if reason else ""
        raise InspectorError(
            f"{argv[0]} did not open its inspector within {timeout:g} s{detail}",
            tail,
            kind=InspectorErrorKind.LAUNCH,
            target=argv[0],
        )
    raise _exit_error(" ".join(argv), exit_code, tail)


# Flags that make node stop before the first line until a debugger says go: under
# heapscope nobody would, and the program would wait forever.
_WAITING_FLAGS = ("--inspect-brk", "--inspect-wait", "--debug-brk")


def _refuse_waiting_for_debugger(argv: Sequence[str], env: Mapping[str, str]) -> None:
    node_flags = []
    for argument in argv[1:]:
        if not argument.startswith("-") or argument == "--":
            break  # the script: what follows is the program's own arguments
        node_flags.append(argument)
    sources = [("the command", node_flags), ("NODE_OPTIONS", env.get("NODE_OPTIONS", "").split())]
    for where, flags in sources:
        for flag in flags:
            name = flag.split("=", 1)[0]
            if name in _WAITING_FLAGS:
                raise InspectorError(
                    f"remove {name} from {where}: heapscope opens the inspector itself, and with "
                    f"{name} node would wait for a debugger before running any code",
                    kind=InspectorErrorKind.INVALID,
                )


def _exit_error(what: str, exit_code: int, tail: str) -> InspectorError:
    reason = _key_line(tail)
    detail = f": {reason}" if reason else ""
    return InspectorError(
        f"{what} exited with code {exit_code} before it could be attached{detail}",
        tail,
        kind=InspectorErrorKind.TARGET_EXITED,
        target=what,
        exit_code=exit_code,
        reason=reason,
    )


def _key_line(tail: str) -> str:
    """The line of a stderr tail that says what went wrong: the last ``…Error…`` line, else the last line."""
    lines = [line.strip() for line in tail.splitlines() if line.strip() and not line.startswith("Node.js v")]
    for line in reversed(lines):
        if re.match(r"^(\w*Error|Uncaught)\b|^Error:", line):
            return line
    return lines[-1] if lines else ""
