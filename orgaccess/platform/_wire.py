"""One HTTP/1.1 exchange on a connection the calling thread keeps: the standard library's http.client.

orgaccess sent its calls through httpx's transport before. What it needs of HTTP is small (one
request at a time on a kept connection, TLS verified against one context, a CONNECT tunnel through
an HTTP proxy, a timeout, an answer read up to a cap), and httpx's layers for it (httpcore, h11, its
URL, Request and Response models, all pure Python) cost 0.5 to 0.6 ms of CPU a call with 48 threads
taking turns at the interpreter lock, against 0.22 ms through http.client (docs/fleet.md). A fleet's
read is CPU-bound: on genesys-cloud `orgaccess drift` of 5,000 orgs spent 21.3 s of CPU in its
reading processes through httpx, 12.1 s through this wire.

Failures are raised as httpx's transport errors (ConnectError, ReadTimeout, ...): the retry layer
asks one question of a failure, whether the request may have landed (`_retry.may_have_landed`),
whichever wire sent it; a transport a test gives (`OverHttpx`) raises them as they are.
"""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import types
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Protocol
from urllib.parse import SplitResult, urlsplit

import httpx

from orgaccess.platform._proxy import Proxy

# Read in pieces this large, so that a body larger than the cap is refused before it is all read.
_PIECE = 64 * 1024


@dataclass(frozen=True)
class Request:
    method: str
    url: str  # absolute, its query encoded
    headers: tuple[tuple[str, str], ...]
    body: bytes | None = None


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # names in lower case
    body: bytes


class TooLarge(Exception):
    """The answer's body is larger than the cap: refused, and the rest of it left unread."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Wire(Protocol):
    """How one thread's requests reach the platform."""

    def exchange(self, request: Request, cap: int) -> Answer:
        """`request`'s answer, its body at most `cap` bytes (else TooLarge); httpx.TransportError on failure."""
        ...

    def close(self) -> None: ...


# What a failure is raised as, by the step it happened in: (any other failure, a timeout).
_FAILURES: dict[str, tuple[type[httpx.TransportError], type[httpx.TransportError]]] = {
    "connect": (httpx.ConnectError, httpx.ConnectTimeout),
    "send": (httpx.WriteError, httpx.WriteTimeout),
    "read": (httpx.ReadError, httpx.ReadTimeout),
}


def _header_block(fp: object) -> http.client.HTTPMessage:
    """`http.client.parse_headers` without the email package's parser, which took a tenth of a reading
    process's CPU: one `name: value` per line, a folded line joined to the one before, a line without
    a colon skipped."""
    fields: list[list[str]] = []
    for line in http.client._read_headers(fp):  # type: ignore[attr-defined]  # its caps on lines and count
        text = line.decode("iso-8859-1").rstrip("\r\n")
        if text[:1] in (" ", "\t") and fields:
            fields[-1][1] += f" {text.strip()}"
        elif ":" in text:
            name, _, value = text.partition(":")
            fields.append([name, value.strip()])
    message = http.client.HTTPMessage()
    for name, value in fields:
        message[name] = value
    return message


class _Answer(http.client.HTTPResponse):
    """http.client's answer, its header block read by `_header_block`: its own `begin`, whole, run with
    that in place of the module's `parse_headers`, so nothing else of it is copied here."""

    begin = types.FunctionType(
        http.client.HTTPResponse.begin.__code__, {**vars(http.client), "parse_headers": _header_block}, "begin"
    )


class KeptConnections:
    """The wire of one thread: a connection kept for each host it calls (the API's and, on
    genesys-cloud, the login host), made again when the platform has closed it."""

    def __init__(self, timeout: float, tls: Callable[[], ssl.SSLContext], proxy: Proxy | None) -> None:
        self._timeout = timeout
        self._tls = tls
        self._proxy = proxy
        self._kept: dict[tuple[str, str, int | None], http.client.HTTPConnection] = {}

    def exchange(self, request: Request, cap: int) -> Answer:
        target = urlsplit(request.url)
        connection = self._kept_for(target)
        step = "connect"
        try:
            if connection.sock is None:
                connection.connect()  # refused, unreachable, a certificate not trusted, a proxy that said no
            step = "send"
            if self._proxy is not None and target.scheme == "http":
                _send(connection, request, request.url, self._proxy.headers)  # a forward proxy gets the whole URL
            else:
                _send(connection, request, (target.path or "/") + (f"?{target.query}" if target.query else ""), {})
            step = "read"
            return _received(connection.getresponse(), cap)
        except (OSError, http.client.HTTPException) as exc:
            connection.close()  # in whatever state it was left: the next exchange connects afresh
            raise _FAILURES[step][isinstance(exc, TimeoutError)](str(exc) or type(exc).__name__) from exc
        except BaseException:
            connection.close()
            raise

    def close(self) -> None:
        for connection in self._kept.values():
            connection.close()
        self._kept.clear()

    def _kept_for(self, target: SplitResult) -> http.client.HTTPConnection:
        key = (target.scheme, target.hostname or "", target.port)
        connection = self._kept.get(key)
        if connection is None:
            connection = self._kept[key] = self._connection(target)
        elif connection.sock is not None and _dropped(connection.sock):
            connection.close()
        return connection

    def _connection(self, target: SplitResult) -> http.client.HTTPConnection:
        """A connection to `target`'s host, or to the proxy: tunnelled for https, forwarding for http."""
        host, port = target.hostname or "", target.port
        if self._proxy is not None:
            host, port = self._proxy.host, self._proxy.port
        if target.scheme != "https":
            connection = http.client.HTTPConnection(host, port, timeout=self._timeout)
        else:
            connection = http.client.HTTPSConnection(host, port, timeout=self._timeout, context=self._tls())
            if self._proxy is not None:
                connection.set_tunnel(target.hostname or "", target.port, headers=dict(self._proxy.headers))
        connection.response_class = _Answer
        return connection


def _send(connection: http.client.HTTPConnection, request: Request, target: str, extra: Mapping[str, str]) -> None:
    # Host comes from the connection (or the whole URL, through a proxy); no Accept-Encoding is
    # added: the request's own headers say it.
    connection.putrequest(request.method, target, skip_accept_encoding=True)
    for name, value in (*request.headers, *extra.items()):
        connection.putheader(name, value)
    if request.body is not None:
        connection.putheader("Content-Length", str(len(request.body)))
    connection.endheaders(request.body)


def _received(response: http.client.HTTPResponse, cap: int) -> Answer:
    headers = {name.lower(): value for name, value in response.getheaders()}
    # A body of a length given and within the cap is read in one go (http.client reads no more
    # than that length); any other is counted as it comes.
    pieces = (response.read(),) if response.length is not None and response.length <= cap else _pieces(response)
    body = capped(pieces, headers, cap, response.status)
    if headers.get("content-encoding", "identity") != "identity":
        body = _decoded(body, headers["content-encoding"], cap, response.status)
    return Answer(response.status, headers, body)


def _pieces(response: http.client.HTTPResponse) -> Iterable[bytes]:
    return iter(partial(response.read, _PIECE), b"")


def capped(pieces: Iterable[bytes], headers: Mapping[str, str], cap: int, status: int) -> bytes:
    """The body read from `pieces`; TooLarge past `cap` bytes, counted as read, since a missing or
    lying Content-Length must not let a larger one through."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise TooLarge(status)
    read: list[bytes] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > cap:
            raise TooLarge(status)
        read.append(piece)
    return b"".join(read)


def _decoded(body: bytes, encoding: str, cap: int, status: int) -> bytes:
    """A gzip body (the one encoding asked for) unpacked, at most `cap` bytes of it."""
    if encoding.strip().lower() != "gzip":
        raise http.client.HTTPException(f"an answer in {encoding!r}, which was not asked for")
    unpacking = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        plain = unpacking.decompress(body, cap + 1)
    except zlib.error as exc:
        raise http.client.HTTPException(f"a gzip answer that does not unpack: {exc}") from exc
    if len(plain) > cap or unpacking.unconsumed_tail:
        raise TooLarge(status)
    return plain


def _dropped(sock: socket.socket) -> bool:
    """Whether a kept connection can no longer carry a request: the platform closed it while it was
    idle (or said something nobody asked), which a look without waiting shows."""
    if hasattr(select, "poll"):
        poll = select.poll()
        poll.register(sock, select.POLLIN)
        return bool(poll.poll(0))
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


class OverHttpx:
    """The wire through a transport the caller gives (tests give httpx.MockTransport)."""

    def __init__(self, transport: httpx.BaseTransport, timeout: float) -> None:
        self._transport = transport
        self._extensions = {"timeout": httpx.Timeout(timeout).as_dict()}

    def exchange(self, request: Request, cap: int) -> Answer:
        sent = httpx.Request(
            request.method, request.url, headers=request.headers, content=request.body, extensions=self._extensions
        )
        response = self._transport.handle_request(sent)
        try:
            status, headers = response.status_code, {name.lower(): value for name, value in response.headers.items()}
            return Answer(status, headers, capped(response.iter_bytes(), headers, cap, status))
        finally:
            response.close()

    def close(self) -> None:
        self._transport.close()
