"""What the client puts on the wire (orgaccess/platform/_wire.py, over http.client): each request as
another client, httpx.Client, would send it, with orgaccess's own client headers; and never a wait
without end."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO, TypeVar

import httpx
import pytest

from orgaccess import __version__
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.errors import PlatformError
from orgaccess.platform.models import RoleSpec

TOKEN = b'{"access_token": "a-token", "token_type": "bearer", "expires_in": 3600}'
PAGE = b'{"entities": [], "pageNumber": 1, "pageSize": 100, "pageCount": 1, "total": 0}'
# The headers that belong to the call rather than to the client: sent again as they came.
OWN_HEADERS = ("authorization", "x-gcc-organization-id", "content-type")
# The headers each client sends with every request, its own way.
CLIENT_HEADERS = ("accept", "accept-encoding", "connection", "user-agent")


@dataclass
class Recorder:
    """A loopback HTTP/1.1 server that keeps each request's bytes; `answer` False: it never answers."""

    answer: bool = True
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0
    _server: socket.socket = field(default_factory=socket.socket)

    @property
    def url(self) -> str:
        host, port = self._server.getsockname()
        return f"http://{host}:{port}"

    def serve(self) -> None:
        while True:
            try:
                connection, _ = self._server.accept()
            except OSError:  # closed: the test is over
                return
            self.connections += 1
            threading.Thread(target=self._converse, args=(connection,), daemon=True).start()

    def _converse(self, connection: socket.socket) -> None:
        with connection:
            reader = connection.makefile("rb")
            while request := _read_request(reader):
                self.requests.append(request)
                if not self.answer:
                    continue
                body = TOKEN if request.split(b" ", 2)[1].startswith(b"/oauth/token") else PAGE
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
                connection.sendall(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


def _read_request(reader: BinaryIO) -> bytes:
    """One request's bytes (its head, and the body its Content-Length gives); empty once the client hangs up."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = reader.readline()
        if not line:
            return b""
        head += line
    lengths = [
        int(line.partition(b":")[2]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    ]
    return head + reader.read(lengths[0] if lengths else 0)


R = TypeVar("R", bound=Recorder)


@contextmanager
def served(recorder: R) -> Iterator[R]:
    """`recorder` listening on loopback until the block ends."""
    recorder._server.bind(("127.0.0.1", 0))
    recorder._server.listen()
    serving = threading.Thread(target=recorder.serve, daemon=True)
    serving.start()
    try:
        yield recorder
    finally:
        recorder._server.shutdown(socket.SHUT_RDWR)  # wakes the accept() waiting in `serve`
        recorder._server.close()
        serving.join(5)


@contextmanager
def recording(*, answer: bool = True) -> Iterator[Recorder]:
    with served(Recorder(answer)) as recorder:
        yield recorder


def _parts(request: bytes) -> tuple[bytes, list[bytes], bytes]:
    """The request line, the header lines in sorted order (their order carries no meaning), the body."""
    head, _, body = request.partition(b"\r\n\r\n")
    line, *headers = head.split(b"\r\n")
    return line, sorted(headers), body


def _call_parts(request: bytes) -> tuple[bytes, list[bytes], bytes]:
    """`_parts` without the headers a client sends with every request."""
    line, headers, body = _parts(request)
    return line, [h for h in headers if h.partition(b":")[0].decode().lower() not in CLIENT_HEADERS], body


def _client_headers(request: bytes) -> dict[str, str]:
    return {
        name.lower(): value.strip()
        for name, _, value in (header.decode().partition(":") for header in _parts(request)[1])
        if name.lower() in CLIENT_HEADERS
    }


def _as_httpx_client_sends(recorder: Recorder, request: bytes) -> bytes:
    """The same request (method, target, body, the call's own headers) sent again through httpx.Client."""
    line, headers, body = _parts(request)
    method, target, _ = line.decode().split(" ")
    own = {
        name: value.strip()
        for name, _, value in (header.decode().partition(":") for header in headers)
        if name.lower() in OWN_HEADERS
    }
    before = len(recorder.requests)
    with httpx.Client(base_url=recorder.url, trust_env=False) as client:
        client.send(client.build_request(method, target, content=body, headers=own)).read()
    return recorder.requests[before]


def test_each_request_goes_on_the_wire_as_httpx_client_sends_it_with_orgaccess_client_headers() -> None:
    with recording() as recorder:
        client = PlatformClient(recorder.url, "client-1", "a-secret-of-the-test")
        client.list_roles("org-1", name="Recording Analyst")  # the token's form, then a query
        with pytest.raises(PlatformError):  # an empty page is no role: only its request matters here
            client.create_role("org-1", RoleSpec(name="Recording Analyst", permissions=["recording:view"]))
        client.close()
        sent = list(recorder.requests)
        assert len(sent) == 3
        for request in sent:
            assert _call_parts(request) == _call_parts(_as_httpx_client_sends(recorder, request))
            assert _client_headers(request) == {
                "accept": "application/json",
                "accept-encoding": "gzip",
                "user-agent": f"orgaccess/{__version__}",
            }


def test_a_platform_that_never_answers_times_the_call_out() -> None:
    with recording(answer=False) as recorder:
        client = PlatformClient(recorder.url, "client-1", "a-secret-of-the-test", timeout=0.2, max_attempts=1)
        failed: list[BaseException] = []

        def call() -> None:
            try:
                client.list_roles("org-1")
            except PlatformError as exc:
                failed.append(exc)

        caller = threading.Thread(target=call, daemon=True)
        caller.start()
        caller.join(10)
        assert not caller.is_alive()
        assert failed
        client.close()


def test_clients_of_many_orgs_on_one_thread_share_its_connection() -> None:
    # On genesys-cloud a process holds a client per org, with its own credentials, all on one host.
    with recording() as recorder:
        clients = [PlatformClient(recorder.url, f"client-{i}", "a-secret-of-the-test") for i in range(3)]
        for i, client in enumerate(clients):
            client.list_roles(f"org-{i}")  # a token, then a query, each client with its own
        for client in clients:
            client.close()
        assert len(recorder.requests) == 6
        assert recorder.connections == 1


def test_a_closed_client_leaves_the_connection_to_those_still_open() -> None:
    with recording() as recorder:
        closed = PlatformClient(recorder.url, "client-1", "a-secret-of-the-test")
        still_open = PlatformClient(recorder.url, "client-2", "a-secret-of-the-test")
        closed.list_roles("org-1")
        closed.close()
        still_open.list_roles("org-2")
        still_open.close()
        assert recorder.connections == 1
