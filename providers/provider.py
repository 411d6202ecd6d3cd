"""One dynamic provider for every kind; its pickle is a class reference and a kind name."""

from __future__ import annotations

import sys
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from orgaccess.declarations.access_yaml import DeclarationError
from orgaccess.deploy import session
from orgaccess.platform.errors import PlatformError
from orgaccess.platform.settings import SettingsError
from orgaccess.reconciler import reconcile
from orgaccess.reconciler.kinds import KINDS
from orgaccess.reconciler.kinds.base import FAILED, KindError
from providers import upgrade_0_1, upgrade_clients

# What a user can act on: shown as the message alone, not as a Python traceback.
_EXPLAINED = (KindError, PlatformError, SettingsError)


class OrgAccessError(Exception):
    """Raised to the engine with a message for people."""


# The engine shows `<module>.<class>: message`; make that read as orgaccess's own word.
OrgAccessError.__module__ = "orgaccess"


class KindProvider(ResourceProvider):
    """The provider of every resource the program declares: a service account's, an org's `OrgAccess`.

    It also answers for the per-object resources (`Role`, `RoleBinding`, `LicenseFeature`) still in
    the state of a stack made before 0.2, whose pickles name this class: an upgrade step, see
    providers/upgrade_0_1.py; nothing declares such resources any more.
    """

    # The pickle is a class reference and a kind name, nothing secret. Kept plain, the engine does
    # not encrypt it anew in every checkpoint of every resource (a fifth of a checkpoint's cost,
    # bench/results/profile.md).
    serialize_as_secret_always = False

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def __reduce__(self) -> tuple[type[KindProvider], tuple[str]]:
        # Pickled without an instance dict: the SDK's serialize_provider leaves one more sorting
        # wrapper around pickle's _batch_setitems per resource and runs them all for every dict
        # it pickles, so past ~950 resources a provider with a __dict__ overflows the stack.
        return (KindProvider, (self.kind,))

    def configure(self, req: ConfigureRequest) -> None:
        # Credentials come from the stack config of this deployment, never from the pickle.
        session.start(req.config.get)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        try:
            return CheckResult(reconcile.check(session.checked_fleet(), KINDS[self.kind], news), [])
        except _EXPLAINED as exc:
            return CheckResult(news, [CheckFailure("drift", str(exc))])
        except DeclarationError as exc:
            # The preflight's, one line per org naming its line of the file: each on a line of its
            # own, below the engine's prefix (which names this resource, the first one checked).
            return CheckResult(news, [CheckFailure("drift", f"nothing changes until these are fixed:\n{exc}")])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changes, replaces = _on_platform(reconcile.diff, KINDS[self.kind], olds, news)
        return DiffResult(changes=changes, replaces=replaces, delete_before_replace=True)

    def create(self, props: dict[str, Any]) -> CreateResult:
        id_, outs = _on_platform(reconcile.create, KINDS[self.kind], props)
        return CreateResult(id_, outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        found = _on_platform(reconcile.read, KINDS[self.kind], props)
        if found is None:
            return ReadResult(None, {})
        outs, inputs = found
        return ReadResult(id_, outs, inputs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(_on_platform(reconcile.update, KINDS[self.kind], olds, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if upgrade_0_1.from_0_1(self.kind):
            upgrade_0_1.release(self.kind, id_, props)
            return
        # A client now held by its org's resource: an adopted one is released as always, one that
        # orgaccess made keeps its resource, the only holder of its secret (engine/clients_upgrade.py).
        if not props.get("adopted") and _explained(lambda: upgrade_clients.left_over(self.kind, session.dialect())):
            raise OrgAccessError(upgrade_clients.refusal(self.kind, id_, props))
        _on_platform(reconcile.delete, KINDS[self.kind], props)


def _on_platform(step: Any, *args: Any) -> Any:
    """`step(fleet, *args)` with this process's fleet, its errors explained."""
    return _explained(lambda: step(session.fleet(), *args))


def _explained(step: Any, *args: Any) -> Any:
    try:
        return step(*args)
    except _EXPLAINED as exc:
        # The SDK sends the engine traceback.format_exc(); with no frames it is the message
        # alone. This process serves one deployment only, so the setting dies with it.
        sys.tracebacklimit = 0
        raise OrgAccessError(str(exc)) from None


class ConvergenceProvider(ResourceProvider):
    """Fails when an org's resource could not converge some of its objects; stateless otherwise.

    An org's resource saves what converged and lists the rest (orgaccess/reconciler/kinds/base.Composite).
    Failing this one resource, rather than the program, keeps the `up` going: the engine still
    deletes what is no longer declared, and the error names only the objects that failed.
    """

    serialize_as_secret_always = False

    def __reduce__(self) -> tuple[type[ConvergenceProvider], tuple[()]]:
        return (ConvergenceProvider, ())

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=olds.get(FAILED) != news.get(FAILED))

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult("convergence", _explained(_converged, props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(_explained(_converged, news))


def _converged(props: dict[str, Any]) -> dict[str, Any]:
    if props.get(FAILED):
        raise KindError("could not converge:\n" + "\n".join(f"  {line}" for line in props[FAILED]))
    return props
