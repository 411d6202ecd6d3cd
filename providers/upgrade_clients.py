"""The delete of a client's own resource once its org's resource holds the client: the provider's
half of the upgrade in orgaccess/engine/clients_upgrade.py, which says why."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from orgaccess.platform.dialect import Dialect
from orgaccess.reconciler.kinds import KINDS, is_part

COMMAND = "orgaccess upgrade"


def left_over(kind: str, dialect: Dialect) -> bool:
    """Whether a resource of `kind` can only be left over from before its objects were parts of their
    org's resource on `dialect` (kinds of the 0.1 layout aside: providers/upgrade_0_1.py)."""
    return is_part(KINDS[kind], dialect) and not is_part(KINDS[kind])


def refusal(kind: str, id_: str, props: Mapping[str, Any]) -> str:
    """Why the old resource of a client orgaccess made is not deleted, and what to run."""
    org = props.get("homeOrg", "")
    return (
        f"{kind} {id_} is now part of OrgAccess {org}, and only this resource's state holds the secret of "
        f"the client orgaccess made, so it is neither deleted nor released: run `{COMMAND}` in the project "
        f"(`orgaccess fleet up` does it by itself), which moves it into OrgAccess {org} in the state without "
        "a platform call, then `pulumi up` again"
    )


def refused(messages: Iterable[str]) -> bool:
    """Whether an `up`'s errors include a `refusal`."""
    return any(f"run `{COMMAND}`" in message for message in messages)
