"""Turn what the user typed into an inspector websocket URL.

Accepted forms: a ``ws://`` URL; ``HOST:PORT`` (the page is looked up through the
inspector's ``/json/list``); a PID of a Node process (the inspector is switched on with
SIGUSR1 and its port found); and the CDP proxy address VS Code's JavaScript debugger
hands out (``extension.js-debug.requestCDPProxy``), either as its JSON result
``{"host": …, "port": …, "path": …}`` or written ``js-debug://HOST:PORT/PATH``.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from .errors import InspectorError
from .session import describe_os_error

DEFAULT_INSPECTOR_PORT = 9229
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
# PID -> inspector port found earlier in this process: re-attaching needs no second search.
_found_ports: dict[int, int] = {}
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
            "no target given: pass a ws:// URL, HOST:PORT, a PID or a js-debug proxy address"
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
            raise InspectorError(f"{text}: port {port} is out of range")
        check_host_allowed(host, allow_remote)
        entry = discover_page(host, port, timeout)
        return ResolvedTarget(entry["webSocketDebuggerUrl"], "host-port", text, entry)
    raise InspectorError(
        f"cannot understand target {text!r}: expected a ws:// URL, HOST:PORT, a PID "
        "or a js-debug proxy address"
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
            "control of the process; allow remote targets explicitly (--allow-remote) if you trust it"
        )


def _host_of(url: str, original: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises on a malformed port
    except ValueError:
        host = None
    if not host:
        raise InspectorError(f"{original}: not a valid websocket URL")
    return host


def _proxy_from_json(text: str, allow_remote: bool) -> ResolvedTarget:
    try:
        data = orjson.loads(text)
        host, port = str(data["host"]), int(data["port"])
        path = str(data.get("path") or "/")
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise InspectorError(
            'cannot read the js-debug proxy address: expected {"host": ..., "port": ..., "path": ...}'
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
            f"nothing is listening on {where} (connection refused); is the program running with --inspect?"
        ) from None
    except TimeoutError:
        raise InspectorError(f"{where} did not answer an inspector request within {timeout:g} s") from None
    except http.client.HTTPException:
        raise InspectorError(f"{where} does not speak HTTP, so it is not a Node.js inspector") from None
    except OSError as error:
        raise InspectorError(f"cannot reach {where}: {describe_os_error(error)}") from None
    finally:
        connection.close()
    if status != 200:
        raise InspectorError(
            f"{where} is an HTTP server but not a Node.js inspector (GET /json/list answered {status})"
        )
    try:
        pages = orjson.loads(body)
    except orjson.JSONDecodeError:
        pages = None
    if not isinstance(pages, list):
        raise InspectorError(
            f"{where} is an HTTP server but not a Node.js inspector (/json/list is not a list)"
        )
    usable = [page for page in pages if isinstance(page, dict) and page.get("webSocketDebuggerUrl")]
    if not usable:
        raise InspectorError(
            f"the inspector on {where} lists no attachable target "
            "(another client may hold it exclusively, or the process is shutting down)"
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
    signal (Linux ``/proc``), so a non-default port is found too; elsewhere we try the
    port from its command line, then 9229. SIGUSR1 terminates most programs that are not
    Node, so we only send it to a process whose executable is ``node``.
    """
    description = f"process {pid}"
    if not hasattr(signal, "SIGUSR1"):
        raise InspectorError(
            "attaching by PID needs SIGUSR1, which this platform does not have; use HOST:PORT"
        )
    executable = _executable_name(pid)
    if executable is not None and "node" not in executable.lower():
        raise InspectorError(
            f"process {pid} runs {executable}, not node; Heapscope only sends SIGUSR1 to Node.js processes"
        )
    before = _listening_ports(pid)
    try:
        os.kill(pid, signal.SIGUSR1)
    except ProcessLookupError:
        raise InspectorError(f"there is no process with PID {pid}") from None
    except PermissionError:
        raise InspectorError(f"not allowed to signal process {pid} (it belongs to another user)") from None
    started = time.monotonic()
    tried: set[int] = set()
    while True:
        now_listening = _listening_ports(pid)
        # The process's older sockets are probably its own servers: probe them only when no new
        # socket showed up for a second (its inspector may have been on before the signal).
        include_old = time.monotonic() - started > 1.0
        candidates = _candidate_ports(pid, before, now_listening, include_old)
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
    if not _alive(pid):
        raise InspectorError(
            f"process {pid} exited after SIGUSR1; it was not a Node.js process with an inspector"
        )
    raise InspectorError(
        f"sent SIGUSR1 to process {pid} but found no inspector on its ports within {timeout:g} s "
        f"(tried {', '.join(map(str, sorted(tried))) or 'none'}); "
        "start it with --inspect and attach by HOST:PORT"
    )


def _candidate_ports(pid: int, before: set[int] | None, now: set[int] | None, include_old: bool) -> list[int]:
    """Ports to probe, most likely first: new since the signal, then the command line's, then 9229."""
    ordered: list[int] = []
    if now is not None:
        ordered.extend(sorted(now - (before or set())))
    ordered.extend(_ports_from_command_line(pid))
    ordered.append(DEFAULT_INSPECTOR_PORT)
    if now is not None:
        if include_old:
            ordered.extend(sorted(now))
        # Where we can see the process's sockets, probe only ports it really listens on.
        ordered = [port for port in ordered if port in now]
    return list(dict.fromkeys(ordered))


def _ports_from_command_line(pid: int) -> list[int]:
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return []
    ports = []
    for argument in arguments:
        match = re.match(rb"--inspect(?:-brk|-port|-wait)?=(?:.*:)?(\d+)$", argument)
        if match and int(match[1]):
            ports.append(int(match[1]))
    return ports


def _executable_name(pid: int) -> str | None:
    try:
        return Path(os.readlink(f"/proc/{pid}/exe")).name
    except OSError:
        pass
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() or None
    except OSError:
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); /proc tells it apart.
    try:
        return " Z " not in Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1][:4]
    except (OSError, IndexError):
        return True


def _listening_ports(pid: int) -> set[int] | None:
    """TCP ports ``pid`` listens on, from /proc (None where /proc is not readable)."""
    try:
        inodes = set()
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:["):
                    inodes.add(link[8:-1])
    except OSError:
        return None
    ports: set[int] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == "0A" and fields[9] in inodes:  # 0A = LISTEN
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports
