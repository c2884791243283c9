"""Strict LSP base-protocol framing for the server's stdio and TCP transports.

pygls' reader skips header lines it does not understand and waits for a valid
``Content-Length``; after one malformed header (a non-numeric length, a few bytes of
noise) every later message is glued to the noise and the server lives on, deaf. Here a
header that is not ``Name: value``, a length that is not a number or is larger than any
message we take, or an overlong header line ends the connection with one logged error:
the editor's client sees the server exit and restarts it. A body that is framed
correctly but is not a JSON-RPC message is skipped with an error response, and a request
whose params do not fit its method gets an "invalid params" response instead of silence.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO, Protocol

from pygls.exceptions import JsonRpcException, JsonRpcInternalError
from pygls.protocol import JsonRPCProtocol

log = logging.getLogger(__name__)


class _QuietProtocolErrors(logging.Filter):
    """pygls logs a full traceback for each request it answers with a protocol error.

    A message whose params do not fit (answered by :func:`dispatch`) or an unknown
    command name is the client's mistake, already answered; one line is enough.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Unable to deserialize message"):
            return False
        if record.exc_info and isinstance(record.exc_info[1], JsonRpcException):
            record.msg = f"{record.getMessage()}: {record.exc_info[1]}"
            record.args = ()
            record.exc_info = None
        return True


logging.getLogger("pygls.protocol.json_rpc").addFilter(_QuietProtocolErrors())

# Header lines are short ("Content-Length: 123", "Content-Type: ..."); a message body
# (a 5 MB command argument, a large settings object) fits well within the body limit.
MAX_HEADER_LINE = 1024
MAX_BODY = 64 << 20
_HEADER = re.compile(rb"([A-Za-z][A-Za-z0-9-]*):[ \t]*([^\r\n]*)\r?\n")
_PARSE_ERROR = -32700
_INVALID_REQUEST = -32600


class FramingError(Exception):
    """The byte stream is not LSP framing; ``str()`` says what was found instead."""


class AsyncReader(Protocol):
    async def readline(self) -> bytes: ...

    async def readexactly(self, n: int) -> bytes: ...


class StdinReader:
    """Blocking stdin reads in a worker thread, each header line bounded in length."""

    def __init__(self, stdin: BinaryIO, executor: ThreadPoolExecutor | None = None) -> None:
        self.stdin = stdin
        self.executor = executor

    async def readline(self) -> bytes:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self.stdin.readline, MAX_HEADER_LINE + 1)

    async def readexactly(self, n: int) -> bytes:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self.stdin.read, n)


class StreamReader:
    """An asyncio stream (TCP), with its line-length error turned into a framing error."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.stream = stream

    async def readline(self) -> bytes:
        try:
            return await self.stream.readline()
        except (ValueError, asyncio.LimitOverrunError):
            raise FramingError("a header line longer than 64 KB") from None

    async def readexactly(self, n: int) -> bytes:
        try:
            return await self.stream.readexactly(n)
        except asyncio.IncompleteReadError as error:
            return error.partial


def _show(data: bytes) -> str:
    return repr(data[:40]) + ("..." if len(data) > 40 else "")


async def read_message(reader: AsyncReader) -> bytes | None:
    """The next message body, or None at the end of the input; :class:`FramingError` if malformed."""
    length: int | None = None
    started = False
    while True:
        line = await reader.readline()
        if not line:
            if started:
                raise FramingError("the input ends inside a message header")
            return None
        started = True
        if len(line) > MAX_HEADER_LINE:
            raise FramingError(f"a header line longer than {MAX_HEADER_LINE} bytes ({_show(line)})")
        if line in (b"\r\n", b"\n"):
            if length is None:
                raise FramingError("a message header without Content-Length")
            break
        match = _HEADER.fullmatch(line)
        if match is None:
            raise FramingError(f"a header line that is not 'Name: value' ({_show(line)})")
        name, value = match.groups()
        if name.lower() == b"content-length":
            if not value.strip().isdigit():
                raise FramingError(f"a Content-Length that is not a number ({_show(value)})")
            length = int(value)
            if length > MAX_BODY:
                raise FramingError(f"a message of {length:,} bytes, more than {MAX_BODY >> 20} MB")
    body = await reader.readexactly(length)
    if len(body) < length:
        raise FramingError(f"the input ends inside a message ({len(body)} of {length} bytes)")
    return body


def _reply_error(protocol: JsonRPCProtocol, message_id: Any, code: int, text: str) -> None:
    protocol._send_data({"jsonrpc": "2.0", "id": message_id, "error": {"code": code, "message": text}})


def dispatch(body: bytes, protocol: JsonRPCProtocol) -> None:
    """Hand one framed body to pygls; anything that is not a usable message gets an error reply."""
    try:
        data = json.loads(body)
    except ValueError:
        log.error("Skipped a message that is not JSON (%d bytes).", len(body))
        _reply_error(protocol, None, _PARSE_ERROR, "Parse error: the message is not JSON.")
        return
    if not isinstance(data, dict):
        log.error("Skipped a message that is not a JSON object.")
        _reply_error(protocol, None, _INVALID_REQUEST, "Invalid request: the message is not a JSON object.")
        return
    message_id = data.get("id")
    valid_id = message_id is None or (isinstance(message_id, int | str) and not isinstance(message_id, bool))
    if not valid_id or not any(key in data for key in ("method", "result", "error")):
        log.error("Skipped a message that is neither a request, a notification nor a response.")
        _reply_error(protocol, None, _INVALID_REQUEST, "Invalid request: not a JSON-RPC message.")
        return
    is_request = "method" in data and message_id is not None
    try:
        message = protocol.structure_message(data)
    except JsonRpcException as error:
        method = str(data.get("method", ""))[:80]
        log.error("Invalid params for %r; answered with an error.", method)
        if is_request:
            response = error.to_response_error()
            text = f"Invalid params for {method}." if response.code == -32602 else response.message
            _reply_error(protocol, message_id, response.code, text)
        return
    try:
        protocol.handle_message(message)
    except Exception as error:  # pygls answers errors inside handlers; this is its own dispatch failing
        log.error("Could not handle a %r message: %s", str(data.get("method", ""))[:80], type(error).__name__)
        if is_request:
            response = JsonRpcInternalError().to_response_error()
            _reply_error(protocol, message_id, response.code, "Internal error.")


async def serve(stop: threading.Event, reader: AsyncReader, protocol: JsonRPCProtocol) -> bool:
    """Read and dispatch messages until the input ends (True) or its framing breaks (False)."""
    while not stop.is_set():
        try:
            body = await read_message(reader)
        except FramingError as error:
            log.error("Closing the connection: the client sent %s.", error)
            return False
        if body is None:
            return True
        dispatch(body, protocol)
    return True
