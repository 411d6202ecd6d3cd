"""Scrubs secrets, in every form they travel in, from text that leaves the process.

A secret the process knows (a client secret, a token, a rotated secret) is masked raw, URL-encoded
and base64-encoded, also inside a longer base64 run such as the `Basic base64(id:secret)` of a
token request. Credentials the process never saw are masked by their shape: the value after
`Bearer`/`Basic`, a URL's userinfo password, and `client_secret=`/`access_token=`-like fields.

One registry per process: errors, logs and the CLI all scrub against every secret any client of
the process has held, so no front end can forget one.
"""

from __future__ import annotations

import base64
import functools
import logging
import re
import threading
from collections import deque
from urllib.parse import quote, quote_plus

MASK = "***"
# A base64 core shorter than this could match ordinary text by chance.
_MIN_CORE = 8
_B64_RUN = r"[A-Za-z0-9+/_%-]*"
_SHAPES = (
    (re.compile(r"\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/%-]+=*"), rf"\1\2{MASK}"),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]*):[^/\s@]*@"), rf"\1:{MASK}@"),
    (
        re.compile(
            r"(?i)(?<![A-Za-z0-9_])((?:client_secret|secret|password|access_token|refresh_token|id_token|api_?key)"
            r"[\"']?\s*[=:]\s*[\"']?)[^&\s\"',;}]+"
        ),
        rf"\1{MASK}",
    ),
)


def _b64_cores(raw: bytes) -> set[str]:
    """What base64 writes for `raw` wherever it starts in a longer input: one core per alignment."""
    cores = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw).decode()
        # Drop the group mixed with the bytes before `raw`, and the one mixed with the bytes after.
        core = encoded[4 if shift else 0 : (len(raw) + shift) // 3 * 4]
        if len(core) >= _MIN_CORE:
            cores.add(core)
            cores.add(core.translate(str.maketrans("+/", "-_")))
    return cores


# Every secret the process holds, at once: on genesys-cloud one admin secret per org of a fleet, and a
# cache smaller than them all would work out every secret's forms again for each text it scrubs.
@functools.lru_cache(maxsize=16384)
def _forms(secret: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the secret's whole forms, its base64 cores): a text holds the secret iff it holds one of them."""
    raw = secret.encode()
    literal = {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}
    whole = {base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()}
    # Longest first, so that a form holding a shorter one is masked whole.
    return tuple(sorted(literal | whole, key=len, reverse=True)), tuple(sorted(_b64_cores(raw)))


@functools.lru_cache(maxsize=16384)
def _pattern(secret: str) -> re.Pattern[str]:
    exact, cores = _forms(secret)
    # A base64 core stands for the whole run around it (the `id:` of a Basic header included).
    runs = [rf"{_B64_RUN}{re.escape(core)}{_B64_RUN}=*" for core in cores]
    return re.compile("|".join([*runs, *map(re.escape, exact)]))


def _held(secret: str, text: str) -> bool:
    # A substring test per form is what decides whether the pattern would match: compiling the
    # pattern of each of a fleet's 5,000 secrets to learn that a text holds none of them cost 1.3 s
    # of CPU in every process that scrubbed one text.
    exact, cores = _forms(secret)
    return any(form in text for form in exact) or any(core in text for core in cores)


class Redactor:
    """Remembers pinned secrets for good and the most recent tokens and secrets seen."""

    def __init__(self, remember: int = 256) -> None:
        self._pinned: set[str] = set()
        self._recent: deque[str] = deque(maxlen=remember)
        self._lock = threading.Lock()

    def pin(self, secret: str) -> None:
        """Remember a secret for the life of the process (a client's own)."""
        if secret:
            with self._lock:
                self._pinned.add(secret)

    def add(self, secret: str) -> None:
        """Remember a token or secret received from the platform."""
        if secret:
            with self._lock:
                self._recent.append(secret)

    def __call__(self, text: str) -> str:
        with self._lock:
            # Longest first, so that a secret holding a shorter one is masked whole.
            known = sorted({*self._pinned, *self._recent}, key=len, reverse=True)
        for secret in known:
            if _held(secret, text):
                text = _pattern(secret).sub(MASK, text)
        for shape, replacement in _SHAPES:
            text = shape.sub(replacement, text)
        return text


redact = Redactor()


class RedactingFilter(logging.Filter):
    """Scrubs each record's final text, arguments included, before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        return True
