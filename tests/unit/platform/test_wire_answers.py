"""How the wire (orgaccess/platform/_wire.py) reads what a platform answers on a real loopback socket:
kept connections the platform drops, every way a body can be framed, and bodies past the cap."""

from __future__ import annotations

import gzip
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from orgaccess.platform._wire import Answer, KeptConnections, Request
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.errors import InvalidResponse
from tests.unit.platform.test_transport_wire import TOKEN, Recorder, _read_request, served

ORGANIZATION = b'{"id": "org-1", "name": "One", "version": 1}'
CAP = 1024

# answer(request bytes) -> (the raw answer, whether the platform then closes the connection)
Answering = Callable[[bytes], tuple[bytes, bool]]


def framed(body: bytes, *headers: bytes) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + b"".join(h + b"\r\n" for h in headers)
        + (b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    )


def chunked(body: bytes) -> bytes:
    pieces = [body[i : i + 7] for i in range(0, len(body), 7)]
    encoded = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + encoded


@dataclass
class Platform(Recorder):
    """Answers the token, then each API call with `answering`; counts the connections it accepts."""

    answering: Answering = lambda _request: (framed(ORGANIZATION), False)
    # Released each time the platform has closed a connection after its answer.
    hung_up: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))

    def _converse(self, connection: socket.socket) -> None:
        with connection, connection.makefile("rb") as reader:
            while request := _read_request(reader):
                is_token = request.split(b" ", 2)[1].startswith(b"/oauth/token")
                raw, close = (framed(TOKEN), False) if is_token else self.answering(request)
                connection.sendall(raw)
                if close:
                    connection.shutdown(socket.SHUT_RDWR)
                    self.hung_up.release()
                    return


@contextmanager
def platform(answer: Answering) -> Iterator[tuple[Platform, PlatformClient]]:
    with served(Platform(answering=answer)) as running:
        # One attempt a call: a retry would hide a call the wire failed.
        client = PlatformClient(running.url, "client-1", "a-secret", max_body_bytes=CAP, max_attempts=1)
        try:
            yield running, client
        finally:
            client.close()


def test_a_connection_the_platform_dropped_while_idle_is_made_again_without_a_failed_call() -> None:
    # A platform (or a load balancer in front of it) closes idle kept connections without a word.
    with platform(lambda _request: (framed(ORGANIZATION), True)) as (served, client):
        for _ in range(3):
            assert client.get_organization("org-1").id == "org-1"
            assert served.hung_up.acquire(timeout=5)  # closed before the next call, as an idle one is
    assert served.connections == 3  # the token's, then one for each call after the first was dropped


def test_an_answer_that_says_connection_close_is_followed_by_a_new_connection() -> None:
    with platform(lambda _request: (framed(ORGANIZATION, b"Connection: close"), True)) as (served, client):
        assert client.get_organization("org-1").id == "org-1"
        assert client.get_organization("org-1").id == "org-1"  # at once: the answer said it would close
    assert served.connections == 2  # the token's, which the first call closed; then the second call's


def test_a_chunked_answer_is_read_whole_and_the_connection_kept() -> None:
    with platform(lambda _request: (chunked(ORGANIZATION), False)) as (served, client):
        assert client.get_organization("org-1").name == "One"
        assert client.get_organization("org-1").name == "One"
    assert served.connections == 1


def test_a_gzip_answer_is_unpacked() -> None:
    with platform(lambda _request: (framed(gzip.compress(ORGANIZATION), b"Content-Encoding: gzip"), False)) as (
        _,
        client,
    ):
        assert client.get_organization("org-1").name == "One"


def test_a_gzip_answer_that_unpacks_past_the_cap_is_refused() -> None:
    bomb = gzip.compress(b" " * (CAP * 100))  # a few hundred bytes on the wire
    assert len(bomb) < CAP
    with (
        platform(lambda _request: (framed(bomb, b"Content-Encoding: gzip"), False)) as (_, client),
        pytest.raises(InvalidResponse, match=f"larger than {CAP} bytes"),
    ):
        client.get_organization("org-1")


def test_a_chunked_answer_past_the_cap_is_refused_and_the_next_call_connects_afresh() -> None:
    answers = iter([chunked(b" " * (CAP * 4)), chunked(ORGANIZATION)])
    with platform(lambda _request: (next(answers), False)) as (served, client):
        with pytest.raises(InvalidResponse, match=f"larger than {CAP} bytes"):
            client.get_organization("org-1")
        assert client.get_organization("org-1").id == "org-1"  # not the rest of the refused answer
    assert served.connections == 2


def answered(raw: bytes) -> Answer:
    """What the wire makes of `raw`, answered to one call."""
    with served(Platform(answering=lambda _request: (raw, False))) as running:
        wire = KeptConnections(5.0, ssl.create_default_context, None)
        try:
            return wire.exchange(Request("GET", f"{running.url}/api/v2/organizations/me", ()), CAP)
        finally:
            wire.close()


def test_a_header_folded_over_two_lines_is_read_as_one_value() -> None:
    answer = answered(framed(ORGANIZATION, b"X-Note: the first half", b"\t and the second"))
    assert answer.headers["x-note"] == "the first half and the second"


def test_a_header_line_without_a_colon_is_skipped_and_the_headers_after_it_are_read() -> None:
    answer = answered(framed(ORGANIZATION, b"not a header", b"Inin-Ratelimit-Count: 7"))
    assert answer.headers["inin-ratelimit-count"] == "7"
    assert answer.body == ORGANIZATION
