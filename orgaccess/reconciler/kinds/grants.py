"""The parts of the snapshot that grants are read from: a subject's (role, division) pairs in an
org, and the org's divisions. Role bindings observe and converge them; export reads the roles
they grant (kinds role and role_binding)."""

from __future__ import annotations

from orgaccess.platform.models import Division, Grant, Role
from orgaccess.reconciler.kinds import service_account
from orgaccess.reconciler.kinds.base import Exporting
from orgaccess.reconciler.snapshot import Fleet


def grant_pairs(fleet: Fleet, org: str, subject_id: str, *, fresh: bool = False) -> list[Grant]:
    """The (role, division) grants of `subject_id` in `org`."""
    return fleet.part(
        ("grants", org, subject_id), lambda: fleet.client.list_subject_grants(org, subject_id), fresh=fresh
    )


def granted(fleet: Fleet, org: str, subject_id: str) -> dict[str, Role]:
    """The roles granted to `subject_id` in `org`, in any division, by name."""
    return {grant.role.name: grant.role for grant in grant_pairs(fleet, org, subject_id)}


def forget_grants(fleet: Fleet, org: str, subject_id: str) -> None:
    fleet.forget(("grants", org, subject_id))


def divisions(fleet: Fleet, org: str) -> dict[str, Division]:
    """The divisions of `org` by name (its home only on a platform without divisions)."""
    return fleet.part(("divisions", org), lambda: {d.name: d for d in fleet.client.list_divisions(org)})


def exported_grants(exporting: Exporting, org: str) -> dict[str, list[Role]]:
    """The roles each exported account holds in `org`: those of its client there, where it lives in
    each org, else its own."""
    home = exporting.dialect.account_home(exporting.home_org, org)
    here = service_account.accounts(exporting.fleet, home)
    out: dict[str, list[Role]] = {}
    for account in exporting.accounts:
        subject = here.get(account.name)
        out[account.name] = list(granted(exporting.fleet, org, subject.id).values()) if subject else []
    return out
