"""The platform's rate-limit bucket, copied on the client and shared by every process calling as one client.

The platform limits each (client, target org) with a bucket: `allowed` requests at once, refilled
at `allowed` a minute, and every answer says how much of it is spent (`inin-ratelimit-allowed`,
`inin-ratelimit-count`, as Genesys Cloud sends them). A fleet's stacks are separate processes that
call with one credential and all read the home org, so a process's own pacing (`_pacing`) learns of
the others only from their 429s. Pacing from the headers alone would not do either: nine processes
that each read "3 left" all go. So each call first *reserves* a request from a copy of the bucket
that the processes share (one small file per bucket, under an exclusive `flock`); when the copy is
empty the call sleeps until its turn, and the platform is not asked to say no.

- The copy is learned, never configured: its size from `inin-ratelimit-allowed`, and its tokens are
  lowered to what the platform says is left, which also counts what the customer's other
  integrations spent with the same client. A 429 empties it until its Retry-After.
- Before an answer has said the limit (or on a platform that never does), nothing is reserved:
  the 429s pace the calls, as `_pacing` does.
- Reservations may drive the tokens below zero: the queue of calls already promised a slot.

`ORGACCESS_RATE_LIMIT_DIR` names the shared directory (`orgaccess fleet` sets it for its stacks);
without it each process keeps its copy in memory. The files hold numbers only, named by a hash of
(platform URL, client id, org).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

RATE_LIMIT_DIR_ENV = "ORGACCESS_RATE_LIMIT_DIR"
ALLOWED_HEADER = "inin-ratelimit-allowed"
COUNT_HEADER = "inin-ratelimit-count"
# Three floats as JSON take at most 80 bytes; the padding is whitespace, which JSON ignores.
RECORD_BYTES = 128

T = TypeVar("T")


@dataclass(frozen=True)
class Bucket:
    allowed: float  # requests a minute: the bucket's size and its refill
    tokens: float  # below zero: calls already promised a slot
    at: float  # when `tokens` was true (wall clock: shared between processes)

    @property
    def rate(self) -> float:
        return self.allowed / 60.0

    def refilled(self, now: float) -> Bucket:
        return Bucket(self.allowed, min(self.allowed, self.tokens + max(0.0, now - self.at) * self.rate), now)


Change = Callable[["Bucket | None"], "tuple[Bucket | None, T]"]


class Buckets(Protocol):
    def update(self, key: str, change: Change[T]) -> T:
        """Applies `change` to the bucket `key` atomically, for every process that shares it."""
        ...


class LocalBuckets:
    """This process's copies only."""

    def __init__(self) -> None:
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def update(self, key: str, change: Change[T]) -> T:
        with self._lock:
            bucket, result = change(self._buckets.get(key))
            if bucket is not None:
                self._buckets[key] = bucket
            return result


class SharedBuckets:
    """Copies in files under `directory`, shared by every process (and thread) that uses it."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._directory = directory

    def update(self, key: str, change: Change[T]) -> T:
        # flock belongs to the open file, so threads of one process exclude each other too.
        fd = os.open(self._directory / key, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            bucket, result = change(_decode(os.read(fd, RECORD_BYTES)))
            if bucket is not None:
                os.pwrite(fd, _encode(bucket), 0)
            return result
        finally:
            os.close(fd)  # releases the lock


def _encode(bucket: Bucket) -> bytes:
    """A record of one width, written over the last in place: truncating the file first cost 0.1 ms a
    call on ext4, twice per request."""
    return json.dumps([bucket.allowed, bucket.tokens, bucket.at]).encode().ljust(RECORD_BYTES)


def _decode(data: bytes) -> Bucket | None:
    try:
        allowed, tokens, at = json.loads(data)
        return Bucket(float(allowed), float(tokens), float(at))
    except (ValueError, TypeError):  # empty (new) or torn by a killed writer: learned again
        return None


def buckets_from_env() -> Buckets:
    """Shared under ORGACCESS_RATE_LIMIT_DIR when set, else this process's own."""
    directory = os.environ.get(RATE_LIMIT_DIR_ENV)
    return SharedBuckets(Path(directory)) if directory else LocalBuckets()


class RateBudget:
    """One client's buckets, one per target org."""

    def __init__(self, base_url: str, client_id: str, buckets: Buckets, clock: Callable[[], float] = time.time) -> None:
        self._scope = f"{base_url}\0{client_id}\0"
        self._buckets = buckets
        self._clock = clock
        self._keys: dict[str, str] = {}  # by org: a hash twice a call was a percent of a fleet read's CPU

    def reserve(self, org: str) -> float:
        """Takes one request for `org`; the seconds to wait before sending it (0: at once)."""
        now = self._clock()

        def take(bucket: Bucket | None) -> tuple[Bucket | None, float]:
            if bucket is None:
                return None, 0.0
            after = bucket.refilled(now)
            after = Bucket(after.allowed, after.tokens - 1.0, now)
            return after, max(0.0, -after.tokens / after.rate)

        return self._buckets.update(self._key(org), take)

    def answered(self, org: str, headers: Mapping[str, str], refused_for: float | None) -> None:
        """What an answer says of `org`'s bucket; `refused_for`: a 429's Retry-After."""
        allowed, count = _number(headers.get(ALLOWED_HEADER)), _number(headers.get(COUNT_HEADER))
        if allowed is None or allowed <= 0:
            return
        now = self._clock()

        def learn(bucket: Bucket | None) -> tuple[Bucket | None, None]:
            left = allowed - (count or 0.0)
            after = Bucket(allowed, left, now) if bucket is None else bucket.refilled(now)
            tokens = min(after.tokens, left)
            if refused_for is not None:
                # One request becomes available when the Retry-After has passed, not before.
                tokens = min(tokens, 1.0 - refused_for * after.rate)
            return Bucket(allowed, tokens, now), None

        self._buckets.update(self._key(org), learn)

    def _key(self, org: str) -> str:
        key = self._keys.get(org)
        if key is None:
            key = self._keys[org] = hashlib.sha256(f"{self._scope}{org}".encode()).hexdigest()[:32]
        return key


def _number(value: str | None) -> float | None:
    try:
        return None if value is None else float(value)
    except ValueError:
        return None
