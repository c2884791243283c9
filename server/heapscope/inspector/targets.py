"""Turn what the user typed into an inspector websocket URL.

Accepted forms: a ``ws://`` URL; ``HOST:PORT`` (the page is looked up through the
inspector's ``/json/list``); a PID of a Node process (the inspector is switched on with
SIGUSR1 and its port found); and the CDP proxy address VS Code's JavaScript debugger
hands out (``extension.js-debug.requestCDPProxy``), either as its JSON result
``{"host": …, "port": …, "path": …}`` or written ``js-debug://HOST:PORT/PATH``.
Processes, their command lines and listening ports come from psutil, the same on
Linux, macOS and Windows.

The inspector gives whoever connects full control of the process, so only loopback hosts
are accepted unless the caller explicitly allows remote ones.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import os
import re
import signal
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import psutil

from .errors import InspectorError, InspectorErrorKind
from .session import describe_os_error

DEFAULT_INSPECTOR_PORT = 9229
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
# PID -> inspector port found earlier in this process: re-attaching needs no second search.
_found_ports: dict[int, int] = {}
_INSPECT_OPTION = re.compile(r"^--inspect(?:-brk|-port|-wait)?(?:=(?:.*:)?(?P<port>\d+))?$")
_NODE_EXECUTABLE = re.compile(r"^(?:node|nodejs)(?:\d+)?(?:\.exe)?$")
_HOST_PORT = re.compile(r"^(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<host>[^:/\s]+)):(?P<port>\d{1,5})$")


@dataclass(frozen=True)
class ResolvedTarget:
    """Where to open the websocket, and what is known about the target before connecting."""

    ws_url: str
    kind: str  # "ws", "host-port", "pid" or "js-debug-proxy"
    description: str  # what the user asked for, for messages
    info: dict[str, Any] = field(default_factory=dict)  # /json/list entry, pid, …

    @property
    def via_proxy(self) -> bool:
        return self.kind == "js-debug-proxy"


def resolve_target(target: str, *, allow_remote: bool = False, timeout: float = 5.0) -> ResolvedTarget:
    """Parse ``target`` and find its websocket URL; raises :class:`InspectorError` with one sentence."""
    text = target.strip()
    if not text:
        raise InspectorError(
            "no target given: pass a ws:// URL, HOST:PORT, a PID or a js-debug proxy address",
            kind=InspectorErrorKind.BAD_TARGET,
        )
    if text.startswith("{"):
        return _proxy_from_json(text, allow_remote)
    if text.startswith("js-debug://"):
        url = "ws://" + text[len("js-debug://") :]
        check_host_allowed(_host_of(url, text), allow_remote)
        return ResolvedTarget(url, "js-debug-proxy", text)
    if text.startswith(("ws://", "wss://")):
        check_host_allowed(_host_of(text, text), allow_remote)
        return ResolvedTarget(text, "ws", text)
    if text.isdigit():
        return _from_pid(int(text), timeout)
    match = _HOST_PORT.match(text)
    if match:
        host = match["ipv6"] or match["host"]
        port = int(match["port"])
        if not 0 < port < 65536:
            raise InspectorError(
                f"{text}: port {port} is out of range", kind=InspectorErrorKind.BAD_TARGET, target=text
            )
        check_host_allowed(host, allow_remote)
        entry = discover_page(host, port, timeout)
        return ResolvedTarget(entry["webSocketDebuggerUrl"], "host-port", text, entry)
    raise InspectorError(
        f"cannot understand target {text!r}: expected a ws:// URL, HOST:PORT, a PID "
        "or a js-debug proxy address",
        kind=InspectorErrorKind.BAD_TARGET,
        target=text,
    )


def is_loopback(host: str) -> bool:
    """Literal loopback addresses and ``localhost``; names are not resolved (DNS can lie or hang)."""
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_host_allowed(host: str, allow_remote: bool) -> None:
    if not allow_remote and not is_loopback(host):
        raise InspectorError(
            f"refusing to attach to {host}: it is not a loopback address and an inspector gives full "
            "control of the process; allow remote targets explicitly (--allow-remote) if you trust it",
            kind=InspectorErrorKind.NOT_LOOPBACK,
            target=host,
        )


def _host_of(url: str, original: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises on a malformed port
    except ValueError:
        host = None
    if not host:
        raise InspectorError(
            f"{original}: not a valid websocket URL", kind=InspectorErrorKind.BAD_TARGET, target=original
        )
    return host


def _proxy_from_json(text: str, allow_remote: bool) -> ResolvedTarget:
    try:
        data = orjson.loads(text)
        host, port = str(data["host"]), int(data["port"])
        path = str(data.get("path") or "/")
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise InspectorError(
            'cannot read the js-debug proxy address: expected {"host": ..., "port": ..., "path": ...}',
            kind=InspectorErrorKind.BAD_TARGET,
        ) from None
    check_host_allowed(host, allow_remote)
    shown_host = f"[{host}]" if ":" in host else host
    if not path.startswith("/"):
        path = "/" + path
    return ResolvedTarget(
        f"ws://{shown_host}:{port}{path}", "js-debug-proxy", f"js-debug proxy {shown_host}:{port}"
    )


# -- HOST:PORT discovery -----------------------------------------------------------------------


def discover_page(host: str, port: int, timeout: float) -> dict[str, Any]:
    """The first debuggable page from ``/json/list``; errors say what kind of thing answered instead."""
    where = f"{host}:{port}"
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", "/json/list", headers={"Host": f"{_url_host(host)}:{port}"})
        response = connection.getresponse()
        body = response.read(1 << 20)
        status = response.status
    except ConnectionRefusedError:
        raise InspectorError(
            f"nothing is listening on {where} (connection refused); is the program running with --inspect?",
            kind=InspectorErrorKind.NOT_LISTENING,
            target=where,
        ) from None
    except TimeoutError:
        raise InspectorError(
            f"{where} did not answer an inspector request within {timeout:g} s",
            kind=InspectorErrorKind.TIMEOUT,
            target=where,
        ) from None
    except http.client.HTTPException:
        raise InspectorError(
            f"{where} does not speak HTTP, so it is not a Node.js inspector",
            kind=InspectorErrorKind.NOT_INSPECTOR,
            target=where,
        ) from None
    except OSError as error:
        raise InspectorError(
            f"cannot reach {where}: {describe_os_error(error)}",
            kind=InspectorErrorKind.UNREACHABLE,
            target=where,
        ) from None
    finally:
        connection.close()
    if status != 200:
        raise InspectorError(
            f"{where} is an HTTP server but not a Node.js inspector (GET /json/list answered {status})",
            kind=InspectorErrorKind.NOT_INSPECTOR,
            target=where,
        )
    try:
        pages = orjson.loads(body)
    except orjson.JSONDecodeError:
        pages = None
    if not isinstance(pages, list):
        raise InspectorError(
            f"{where} is an HTTP server but not a Node.js inspector (/json/list is not a list)",
            kind=InspectorErrorKind.NOT_INSPECTOR,
            target=where,
        )
    usable = [page for page in pages if isinstance(page, dict) and page.get("webSocketDebuggerUrl")]
    if not usable:
        raise InspectorError(
            f"the inspector on {where} lists no attachable target "
            "(another client may hold it exclusively, or the process is shutting down)",
            kind=InspectorErrorKind.NOT_INSPECTOR,
            target=where,
        )
    # Node lists one page per process; prefer it over any worker-like entries a proxy might add.
    usable.sort(key=lambda page: page.get("type") != "node")
    return dict(usable[0])


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


# -- PID: SIGUSR1 and port discovery ------------------------------------------------------------


def _from_pid(pid: int, timeout: float) -> ResolvedTarget:
    """Switch on the inspector of a running Node process and find the port it opened.

    Node opens its inspector on SIGUSR1 (on 127.0.0.1:9229 unless ``--inspect-port``
    says otherwise). We compare the process's listening sockets before and after the
    signal (psutil, on every platform that lets us see them), so a non-default port is
    found too; where the sockets are hidden we try the port from its command line, then
    9229. SIGUSR1 terminates most programs that are not Node, so we only send it to a
    process whose executable is ``node``.
    """
    description = f"process {pid}"
    if not hasattr(signal, "SIGUSR1"):
        raise InspectorError(
            "attaching by PID needs SIGUSR1, which this platform does not have; "
            "start the program with --inspect and attach by HOST:PORT",
            kind=InspectorErrorKind.INVALID,
            target=description,
        )
    process = _process(pid)
    if process is None:
        raise InspectorError(
            f"there is no process with PID {pid}", kind=InspectorErrorKind.NO_PROCESS, target=description
        )
    executable = _executable_name(process)
    if executable is not None and not is_node_executable(executable):
        raise InspectorError(
            f"process {pid} runs {executable}, not node; Heapscope only sends SIGUSR1 to Node.js processes",
            kind=InspectorErrorKind.NO_PROCESS,
            target=description,
        )
    before = listening_ports(process)
    try:
        process.send_signal(signal.SIGUSR1)
    except psutil.NoSuchProcess:
        raise InspectorError(
            f"there is no process with PID {pid}", kind=InspectorErrorKind.NO_PROCESS, target=description
        ) from None
    except psutil.AccessDenied:
        raise InspectorError(
            f"not allowed to signal process {pid} (it belongs to another user)",
            kind=InspectorErrorKind.NO_PROCESS,
            target=description,
        ) from None
    started = time.monotonic()
    tried: set[int] = set()
    while True:
        now_listening = listening_ports(process)
        # The process's older sockets are probably its own servers: probe them only when no new
        # socket showed up for a second (its inspector may have been on before the signal).
        include_old = time.monotonic() - started > 1.0
        candidates = _candidate_ports(process, before, now_listening, include_old)
        remembered = _found_ports.get(pid)
        if remembered is not None and (now_listening is None or remembered in now_listening):
            candidates.insert(0, remembered)
        for port in candidates:
            if port in tried and now_listening is not None:
                continue
            tried.add(port)
            with contextlib.suppress(InspectorError):
                entry = discover_page("127.0.0.1", port, min(2.0, timeout))
                entry["pid"] = pid
                _found_ports[pid] = port
                return ResolvedTarget(entry["webSocketDebuggerUrl"], "pid", description, entry)
        if time.monotonic() - started >= timeout:
            break
        time.sleep(0.1)
    if not _alive(process):
        raise InspectorError(
            f"process {pid} exited after SIGUSR1; it was not a Node.js process with an inspector",
            kind=InspectorErrorKind.TARGET_EXITED,
            target=description,
        )
    raise InspectorError(
        f"sent SIGUSR1 to process {pid} but found no inspector on its ports within {timeout:g} s "
        f"(tried {', '.join(map(str, sorted(tried))) or 'none'}); "
        "start it with --inspect and attach by HOST:PORT",
        kind=InspectorErrorKind.NOT_LISTENING,
        target=description,
    )


def _candidate_ports(
    process: psutil.Process, before: set[int] | None, now: set[int] | None, include_old: bool
) -> list[int]:
    """Ports to probe, most likely first: new since the signal, then the command line's, then 9229."""
    ordered: list[int] = []
    if now is not None:
        ordered.extend(sorted(now - (before or set())))
    ordered.extend(inspect_ports_in(_command_line(process)))
    ordered.append(DEFAULT_INSPECTOR_PORT)
    if now is not None:
        if include_old:
            ordered.extend(sorted(now))
        # Where we can see the process's sockets, probe only ports it really listens on.
        ordered = [port for port in ordered if port in now]
    return list(dict.fromkeys(ordered))


def inspect_ports_in(arguments: Sequence[str]) -> list[int]:
    """Non-zero ports named by ``--inspect[-brk|-port|-wait]=[HOST:]PORT`` options."""
    ports = []
    for argument in arguments:
        match = _INSPECT_OPTION.match(argument)
        if match and match["port"] and int(match["port"]):
            ports.append(int(match["port"]))
    return ports


def has_inspect_option(arguments: Sequence[str]) -> bool:
    """The command line switches the inspector on (``--inspect``, ``--inspect-brk=…``; not ``-port``)."""
    return any(
        _INSPECT_OPTION.match(argument) and not argument.startswith("--inspect-port")
        for argument in arguments
    )


def is_node_executable(name: str) -> bool:
    """``node``, ``nodejs``, ``node22``, ``node.exe``: the executables SIGUSR1 is safe to send to."""
    return _NODE_EXECUTABLE.match(Path(name).name.lower()) is not None


def _process(pid: int) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except (psutil.NoSuchProcess, ValueError):
        return None


def _command_line(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except (psutil.Error, OSError):
        return []


def _executable_name(process: psutil.Process) -> str | None:
    """The executable's file name; None when the platform hides it from us."""
    try:
        exe = process.exe()
    except (psutil.Error, OSError):
        exe = ""
    if exe:
        return Path(exe).name
    try:
        return process.name() or None
    except (psutil.Error, OSError):
        return None


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except (psutil.Error, OSError):
        return True


def listening_ports(process: psutil.Process) -> set[int] | None:
    """TCP ports ``process`` listens on; None where the platform does not let us see them."""
    try:
        connections = process.net_connections(kind="tcp")
    except (psutil.Error, OSError):
        return None
    return {conn.laddr.port for conn in connections if conn.status == psutil.CONN_LISTEN and conn.laddr}


# -- listing Node processes ----------------------------------------------------------------------


@dataclass(frozen=True)
class NodeProcessInfo:
    """A running Node.js process, as "Pick a Node process" lists it."""

    pid: int
    command_line: list[str]
    inspecting: bool
    """Its command line turns the inspector on."""
    inspector_ports: list[int]
    """Listening ports that answered as a Node inspector (empty when none was probed or found)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "pid": self.pid,
            "commandLine": self.command_line,
            "inspecting": self.inspecting,
            "inspectorPorts": self.inspector_ports,
        }


def list_node_processes(*, exclude: Iterable[int] = (), probe_timeout: float = 0.3) -> list[NodeProcessInfo]:
    """Node.js processes of this machine that we may look at, newest first.

    ``exclude`` names PIDs to leave out (the editor's own helpers). For processes whose
    command line turns the inspector on, their listening ports are probed for
    ``/json/list`` so the list says where the inspector already is.
    """
    skipped = {os.getpid(), *exclude}
    found: list[tuple[float, psutil.Process, list[str]]] = []
    for process in psutil.process_iter(["pid", "name", "exe", "cmdline", "create_time"]):
        info = process.info
        if info["pid"] in skipped:
            continue
        names = [info.get("exe") or "", info.get("name") or "", *(info.get("cmdline") or [])[:1]]
        if not any(name and is_node_executable(name) for name in names):
            continue
        found.append((info.get("create_time") or 0.0, process, list(info.get("cmdline") or [])))
    found.sort(key=lambda item: item[0], reverse=True)
    result = []
    for _, process, command_line in found:
        inspecting = has_inspect_option(command_line)
        ports = _inspector_ports(process, probe_timeout) if inspecting else []
        result.append(NodeProcessInfo(process.pid, command_line, inspecting, ports))
    return result


def _inspector_ports(process: psutil.Process, timeout: float) -> list[int]:
    ports = []
    for port in sorted(listening_ports(process) or ()):
        with contextlib.suppress(InspectorError):
            discover_page("127.0.0.1", port, timeout)
            ports.append(port)
    return ports
