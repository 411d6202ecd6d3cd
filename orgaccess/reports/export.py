"""access.yaml from live state: what `orgaccess export` prints, so adopting a fleet changes nothing.

The output is complete for what it names (every role granted to an exported account in an
exported org, every license feature of those orgs, contract-managed ones at their live
value), sorted and formatted the same way every time, so two exports diff cleanly. It is
checked with the loader before it is returned: an export that `load_declarations` refuses
is never written.

On genesys-cloud each org has its own client of an account's name: the account's grants in an
org are that client's, orgaccess's own account is its admin client in each org, and no `orgLock`
is written (it does not exist there).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from orgaccess.declarations.access_yaml import DeclarationError, parse_declarations
from orgaccess.declarations.yamlsource import show
from orgaccess.perorg import for_each_org
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.genesys.client import GenesysClient, UnknownOrg
from orgaccess.platform.models import OAuthClient, Role
from orgaccess.reconciler.snapshot import Fleet
from orgaccess.vocabulary import LICENSE_FEATURES


class ExportError(Exception):
    """The live state cannot be written as one access.yaml; one line per problem, with the fix."""


@dataclass(frozen=True)
class _OrgState:
    licenses: dict[str, bool]
    # Account name -> the roles granted to it in the org.
    grants: dict[str, list[Role]]


def credentials_home(fleet: Fleet, orgs: list[str]) -> str | None:
    """The org among `orgs` where orgaccess's own account lives: the usual home of the others.

    On genesys-cloud orgaccess has an admin client in every org, so that is the first of `orgs`.
    """
    if isinstance(fleet.client, GenesysClient):
        return orgs[0] if orgs else None
    return next((org for org in orgs if any(a.id == _own_id(fleet, org) for a in fleet.accounts(org).values())), None)


def _own_id(fleet: Fleet, org: str) -> str:
    """orgaccess's own account as seen in `org`: its admin client there on genesys-cloud."""
    client = fleet.client
    return client.admin_client_id(org) if isinstance(client, GenesysClient) else client.client_id


def _platform(fleet: Fleet) -> Dialect:
    return Dialect.GENESYS_CLOUD if isinstance(fleet.client, GenesysClient) else Dialect.SEED


def export_declarations(
    fleet: Fleet,
    home_org: str,
    orgs: list[str],
    accounts: list[str] | None = None,
    *,
    done: Callable[[str], None] = lambda _org: None,
) -> str:
    """access.yaml text for `orgs`, declaring `accounts` of `home_org` (default: all but orgaccess's own)."""
    platform = _platform(fleet)
    _check_addressable(fleet, home_org, orgs)
    selected = _accounts(fleet, home_org, accounts)

    def read(org: str) -> _OrgState:
        features = fleet.licenses(org)
        return _OrgState(
            licenses={name: f.enabled for name, f in features.items() if name in LICENSE_FEATURES},
            grants={a.name: _granted(fleet, org, a, platform) for a in selected},
        )

    states = for_each_org(sorted(set(orgs)), read, done=done)
    document = _document(home_org, selected, _custom_roles(states), states, platform)
    text = _header(home_org, len(states)) + _dump(document)
    try:
        parse_declarations(text, "the exported access.yaml", platform)
    except DeclarationError as exc:
        raise ExportError(f"the live state cannot be declared as it is: {exc}") from None
    return text


def _granted(fleet: Fleet, org: str, account: OAuthClient, platform: Dialect) -> list[Role]:
    """The roles `account` holds in `org`; on genesys-cloud, those of the org's own client of its name."""
    subject = fleet.accounts(org).get(account.name) if platform is Dialect.GENESYS_CLOUD else account
    return list(fleet.grants(org, subject.id).values()) if subject else []


def _check_addressable(fleet: Fleet, home_org: str, orgs: list[str]) -> None:
    if isinstance(fleet.client, GenesysClient):
        _check_org_credentials(fleet, [home_org, *orgs])
        return
    home = fleet.organization(home_org)
    reachable = {home.id, *(linked.id for linked in home.linkedOrganizations)}
    problems = [
        f"org {show(org)} is neither the home org {show(home_org)} nor linked to it; "
        "drop it from --org, or pass the --home-org its service accounts live in"
        for org in sorted(set(orgs) - reachable)
    ]
    if problems:
        raise ExportError("\n".join(problems))


def _check_org_credentials(fleet: Fleet, orgs: list[str]) -> None:
    problems = []
    for org in sorted(set(orgs)):
        try:
            fleet.organization(org)
        except UnknownOrg:
            problems.append(
                f"org {show(org)} has no admin credentials on genesys-cloud; add it to env "
                "ORGACCESS_ORG_CREDENTIALS with its own client id and secret, or drop it from --org"
            )
    if problems:
        raise ExportError("\n".join(problems))


def _accounts(fleet: Fleet, home_org: str, names: list[str] | None) -> list[OAuthClient]:
    live = fleet.accounts(home_org)
    if names is None:
        # orgaccess's own account stays out: declaring it would let a typo lock orgaccess out.
        me = _own_id(fleet, home_org)
        return sorted((a for a in live.values() if a.id != me), key=lambda a: a.name)
    unknown = sorted(set(names) - set(live))
    if unknown:
        known = ", ".join(map(show, sorted(live))) or "none"
        raise ExportError(
            "\n".join(
                f"service account {show(name)} is not in home org {show(home_org)}; it has: {known}" for name in unknown
            )
        )
    return [live[name] for name in sorted(set(names))]


def _custom_roles(states: dict[str, _OrgState]) -> dict[str, Role]:
    """Every custom role granted in the orgs, by name; one name must mean one set of permissions."""
    # Role name -> permission set -> (the orgs with that set, one such role).
    seen: dict[str, dict[tuple[str, ...], tuple[list[str], Role]]] = {}
    for org, state in sorted(states.items()):
        for role in {r.id: r for roles in state.grants.values() for r in roles if not r.builtIn}.values():
            variants = seen.setdefault(role.name, {})
            variants.setdefault(tuple(sorted(set(role.permissions))), ([], role))[0].append(org)
    problems = [
        f"role {show(name)} differs between orgs: "
        + "; ".join(f"{_listed(list(perms))} in {', '.join(map(show, orgs))}" for perms, (orgs, _) in variants.items())
        + "; one access.yaml declares one set of permissions per role name: make them equal on the platform, "
        "or export those orgs separately"
        for name, variants in sorted(seen.items())
        if len(variants) > 1
    ]
    if problems:
        raise ExportError("\n".join(problems))
    return {name: next(iter(variants.values()))[1] for name, variants in seen.items()}


def _document(
    home_org: str, accounts: list[OAuthClient], roles: dict[str, Role], states: dict[str, _OrgState], platform: Dialect
) -> CommentedMap:
    return CommentedMap(
        homeOrg=home_org,
        serviceAccounts=[_account(a, platform) for a in accounts],
        roles=[
            _described(CommentedMap(name=name), roles[name].description, permissions=_flow(roles[name].permissions))
            for name in sorted(roles)
        ],
        orgs=[_org(org, states[org]) for org in sorted(states)],
    )


def _account(account: OAuthClient, platform: Dialect) -> CommentedMap:
    # orgLock does not exist on genesys-cloud, and declaring it there is an error.
    lock = {} if platform is Dialect.GENESYS_CLOUD else {"orgLock": account.orgLock.value}
    return _described(
        CommentedMap(name=account.name),
        account.description,
        grantType=account.authorizedGrantType.value.lower(),
        scopes=_flow(account.scopes),
        **lock,
    )


def _org(org: str, state: _OrgState) -> CommentedMap:
    out = CommentedMap(id=org)
    if state.licenses:
        licenses = CommentedMap(sorted(state.licenses.items()))
        licenses.fa.set_flow_style()
        out["licenses"] = licenses
    bindings = [
        CommentedMap(serviceAccount=name, roles=_flow(r.name for r in roles))
        for name, roles in sorted(state.grants.items())
        if roles
    ]
    if bindings:
        out["bindings"] = bindings
    return out


def _described(head: CommentedMap, description: str, **rest: Any) -> CommentedMap:
    if description:
        head["description"] = description
    head.update(rest)
    return head


def _flow(items: Any) -> CommentedSeq:
    seq = CommentedSeq(sorted(set(items)))
    seq.fa.set_flow_style()
    return seq


def _listed(items: list[str]) -> str:
    return "[" + ", ".join(sorted(items)) + "]"


def _header(home_org: str, orgs: int) -> str:
    return (
        f"# access.yaml exported by `orgaccess export` from the live state of {orgs} org(s),\n"
        f"# with the service accounts of home org {home_org}. Applying it as it is changes nothing;\n"
        "# from here on, edit it to change access. The format: orgaccess's docs/access-yaml.md.\n\n"
    )


def _dump(document: CommentedMap) -> str:
    yaml = YAML()
    yaml.width = 4096  # one entry per line, however long its names
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()
