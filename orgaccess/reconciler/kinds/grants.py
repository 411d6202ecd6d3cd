"""The parts of the snapshot that grants are read from: a subject's (role, division) pairs in an
org, and the org's divisions. Role bindings observe and converge them; export reads the roles
they grant (kinds role and role_binding).

Where the platform lists a client's grants with the client (Genesys's `roleDivisions`: a client acts
in its own org only), they are read from the org's client listing, which every org's accounts read
anyway, named from the org's roles and, for a grant in one division, its divisions: on genesys-cloud
that spares a call per account and org. Elsewhere they are the subject's own read.
"""

from __future__ import annotations

from orgaccess.platform.models import ALL_DIVISIONS, EVERY_DIVISION, Division, Grant, OAuthClient, Role
from orgaccess.reconciler.kinds import service_account
from orgaccess.reconciler.kinds.base import Exporting
from orgaccess.reconciler.kinds.org_roles import roles
from orgaccess.reconciler.snapshot import Fleet


def grant_pairs(fleet: Fleet, org: str, subject: OAuthClient, *, fresh: bool = False) -> list[Grant]:
    """The (role, division) grants in `org` of `subject`, a client as listed where it lives."""
    if subject.grants is not None:
        named = _listed_grants(fleet, org, subject, fresh=fresh)
        if named is not None:
            return named
    return fleet.part(
        ("grants", org, subject.id), lambda: fleet.client.list_subject_grants(org, subject.id), fresh=fresh
    )


def _listed_grants(fleet: Fleet, org: str, subject: OAuthClient, *, fresh: bool) -> list[Grant] | None:
    """The grants the org's client listing names for `subject`, or None when it no longer lists the
    client or names a role or division the org's listings do not hold (the subject's read then says)."""
    listed = service_account.accounts(fleet, org, fresh=fresh).get(subject.name)
    if listed is None or listed.id != subject.id or listed.grants is None:
        return None
    by_id = _roles_by_id(fleet, org, {g.roleId for g in listed.grants})
    places = _divisions_by_id(fleet, org, {g.divisionId for g in listed.grants})
    if by_id is None or places is None:
        return None
    return [Grant(role=by_id[g.roleId], division=places[g.divisionId]) for g in listed.grants]


def _roles_by_id(fleet: Fleet, org: str, ids: set[str]) -> dict[str, Role] | None:
    """The org's roles by id, read again once when one of `ids` is newer than the listing."""
    for fresh in (False, True):
        by_id = {r.id: r for r in roles(fleet, org, fresh=fresh).values()}
        if ids <= by_id.keys():
            return by_id
    return None


def _divisions_by_id(fleet: Fleet, org: str, ids: set[str]) -> dict[str, Division] | None:
    """The divisions named by `ids`: every division (`*`) without a call, any other from the org's list."""
    places = {ALL_DIVISIONS: EVERY_DIVISION}
    if ids - places.keys():
        places |= {d.id: d for d in divisions(fleet, org).values()}
    return places if ids <= places.keys() else None


def granted(fleet: Fleet, org: str, subject: OAuthClient) -> dict[str, Role]:
    """The roles granted to `subject` in `org`, in any division, by name."""
    return {grant.role.name: grant.role for grant in grant_pairs(fleet, org, subject)}


def forget_grants(fleet: Fleet, org: str, subject: OAuthClient) -> None:
    """After a grant or revoke: the subject's grants, and the listing that named them."""
    fleet.forget(("grants", org, subject.id))
    if subject.grants is not None:
        service_account.forget_accounts(fleet, org)


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
        out[account.name] = list(granted(exporting.fleet, org, subject).values()) if subject else []
    return out
