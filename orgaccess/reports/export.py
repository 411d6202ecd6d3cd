"""access.yaml from live state: what `orgaccess export` prints, so adopting a fleet changes nothing.

The output is complete for what it names (every role granted to an exported account in an
exported org, every license feature of those orgs, contract-managed ones at their live
value), sorted and formatted the same way every time, so two exports diff cleanly. It is
checked with the loader before it is returned: an export that `load_declarations` refuses
is never written.

Each kind writes its own live objects (kinds/base.Kind.export): the orgs are read side by side
through the shared snapshot, then the top of the file is written. Where accounts live per org
(genesys-cloud), an account's grants in an org are those of that org's client of its name.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from orgaccess.declarations.access_yaml import DeclarationError, parse_declarations
from orgaccess.declarations.yamlsource import show
from orgaccess.dialects.base import Definition
from orgaccess.perorg import for_each_org
from orgaccess.platform.models import OAuthClient
from orgaccess.reconciler.kinds import kinds, service_account
from orgaccess.reconciler.kinds.base import Exporting, FlowList, FlowMap, KindError
from orgaccess.reconciler.snapshot import Fleet


class ExportError(Exception):
    """The live state cannot be written as one access.yaml; one line per problem, with the fix."""


def credentials_home(fleet: Fleet, dialect: Definition, orgs: list[str]) -> str | None:
    """The org among `orgs` where orgaccess's own account lives: the usual home of the others.

    Where orgaccess has an admin client in every org, that is the first of `orgs`.
    """
    if dialect.per_org_credentials:
        return orgs[0] if orgs else None
    return next((org for org in orgs if _holds_own_account(fleet, org)), None)


def _holds_own_account(fleet: Fleet, org: str) -> bool:
    own = fleet.client.own_client_id(org)
    return any(account.id == own for account in service_account.accounts(fleet, org).values())


def export_declarations(
    fleet: Fleet,
    dialect: Definition,
    home_org: str,
    orgs: list[str],
    accounts: list[str] | None = None,
    *,
    done: Callable[[str], None] = lambda _org: None,
) -> str:
    """access.yaml text for `orgs`, declaring `accounts` of `home_org` (default: all but orgaccess's own)."""
    if problems := dialect.unexportable(fleet, home_org, orgs):
        raise ExportError("\n".join(problems))
    exporting = Exporting(fleet, dialect, home_org, tuple(_accounts(fleet, home_org, accounts)))

    def read(org: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": org}
        for kind in kinds():
            entry |= kind.export.org(exporting, org)
        return entry

    states = for_each_org(sorted(set(orgs)), read, done=done)
    document: dict[str, Any] = {"homeOrg": home_org}
    try:
        for kind in kinds():
            document |= kind.export.top(exporting, list(states))
    except KindError as exc:
        raise ExportError(str(exc)) from None
    document["orgs"] = [states[org] for org in sorted(states)]
    text = _header(home_org, len(states)) + _dump(document)
    try:
        parse_declarations(text, dialect, "the exported access.yaml")
    except DeclarationError as exc:
        raise ExportError(f"the live state cannot be declared as it is: {exc}") from None
    return text


def _accounts(fleet: Fleet, home_org: str, names: list[str] | None) -> list[OAuthClient]:
    live = service_account.accounts(fleet, home_org)
    if names is None:
        # orgaccess's own account stays out: declaring it would let a typo lock orgaccess out.
        me = fleet.client.own_client_id(home_org)
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


def _header(home_org: str, orgs: int) -> str:
    return (
        f"# access.yaml exported by `orgaccess export` from the live state of {orgs} org(s),\n"
        f"# with the service accounts of home org {home_org}. Applying it as it is changes nothing;\n"
        "# from here on, edit it to change access. The format: orgaccess's docs/access-yaml.md.\n\n"
    )


def _styled(value: Any) -> Any:
    """`value` as ruamel writes it: the kinds' flow lists and mappings on one line, the rest as blocks."""
    if isinstance(value, dict):
        styled = CommentedMap((k, _styled(v)) for k, v in value.items())
        if isinstance(value, FlowMap):
            styled.fa.set_flow_style()
        return styled
    if isinstance(value, list):
        seq = CommentedSeq(_styled(v) for v in value)
        if isinstance(value, FlowList):
            seq.fa.set_flow_style()
        return seq
    return value


def _dump(document: dict[str, Any]) -> str:
    yaml = YAML()
    yaml.width = 4096  # one entry per line, however long its names
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(_styled(document), stream)
    return stream.getvalue()
