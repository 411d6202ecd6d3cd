"""What a diagnosis reports: a check per cause, the probe of the data plane, and the verdict."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Protocol
from urllib.parse import urlsplit

from pydantic import BaseModel

from orgaccess.declarations.yamlsource import show
from orgaccess.platform.client import TOKEN_PATH
from orgaccess.platform.errors import PlatformError
from orgaccess.printable import escape


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


class Remedy(StrEnum):
    """Who can act on a failure: scripts route on this, people read `fix`."""

    NONE = "none"
    PULUMI_UP = "pulumi-up"
    EDIT_DECLARATIONS = "edit-declarations"
    CONTRACT = "contract-change"
    PLATFORM = "platform-admin"


class Verdict(StrEnum):
    OK = "ok"
    FIX_NEEDED = "fix-needed"
    # Every cause is fixed, yet the data plane still answers 403: the change has not propagated.
    PROPAGATING = "propagating"
    PROBE_FAILED = "probe-failed"


class Check(BaseModel):
    cause: str
    title: str
    status: Status
    evidence: str
    fix: str = ""
    remedy: Remedy = Remedy.NONE


class Probe(BaseModel):
    status: Status
    httpStatus: int | None = None
    evidence: str


class Finding(BaseModel):
    """The diagnosis of one service account in one org."""

    org: str
    serviceAccount: str
    verdict: Verdict
    checks: list[Check]
    probe: Probe

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK


class AppProbe(Protocol):
    """The data plane called as one app, with its own credentials: a dialect makes one per app."""

    def call(self, org: str) -> str:
        """The call the probe makes in `org`, as evidence names it."""
        ...

    def run(self, org: str) -> str:
        """Makes the call; what it answered with (`3 recordings`). Raises PlatformError."""
        ...

    def close(self) -> None: ...


def probed(probe: AppProbe, org: str, who: str) -> Probe:
    """`probe` run in `org` as `who`, its answer as evidence: a refused login told from a refused call."""
    call = f"{probe.call(org)} as {show(who)}"
    try:
        found = probe.run(org)
    except PlatformError as exc:
        answer = f"answered {exc.status} {escape(exc.code)}" if exc.status else f"failed: {exc.message}"
        if exc.path is not None and urlsplit(exc.path).path == TOKEN_PATH:
            # The login was refused before the call was made: say so, with the login service's reason.
            call, answer = f"the login of {show(who)} in {org}: POST {TOKEN_PATH}", f"{answer}: {exc.message}"
        context = f" (contextId {exc.context_id})" if exc.context_id else ""
        return Probe(status=Status.FAIL, httpStatus=exc.status, evidence=f"{call} {answer}{context}")
    return Probe(status=Status.PASS, httpStatus=200, evidence=f"{call} answered 200 with {found}")


def verdict(checks: list[Check], probe: Probe) -> Verdict:
    if any(c.status is Status.FAIL for c in checks):
        return Verdict.FIX_NEEDED
    if probe.status is Status.FAIL:
        return Verdict.PROPAGATING if probe.httpStatus == 403 else Verdict.PROBE_FAILED
    return Verdict.OK


def fix(declared: bool, applied: str, missing: str) -> tuple[str, Remedy]:
    """`applied` when access.yaml already declares the cure (pulumi up applies it), else `missing`."""
    if declared:
        return f"pulumi up: {applied}", Remedy.PULUMI_UP
    return f"{missing} in access.yaml, then pulumi up", Remedy.EDIT_DECLARATIONS


def passed(cause: str, title: str, evidence: str) -> Check:
    return Check(cause=cause, title=title, status=Status.PASS, evidence=evidence)


def failed(cause: str, title: str, evidence: str, cure: tuple[str, Remedy]) -> Check:
    return Check(cause=cause, title=title, status=Status.FAIL, evidence=evidence, fix=cure[0], remedy=cure[1])


def skipped(cause: str, title: str, why: str) -> Check:
    return Check(cause=cause, title=title, status=Status.SKIP, evidence=f"not checked: {why}")


def listed(items: Iterable[str]) -> str:
    return "[" + ", ".join(sorted(items)) + "]"
