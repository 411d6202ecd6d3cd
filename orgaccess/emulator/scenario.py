"""Scenarios: the documented YAML/JSON shape of a platform's whole state, validated and loaded.

Problems are reported as `source: path.inside[0].document: what is wrong`, every one of them.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orgaccess.emulator import store
from orgaccess.emulator.api import Api
from orgaccess.emulator.errors import field_path
from orgaccess.platform.genesys import permissions as genesys_permissions
from orgaccess.platform.models import GrantType, OAuthClient, OrgLock
from orgaccess.vocabulary import BUILTIN_ROLES, LICENSE_FEATURES, PERMISSIONS

BUILTIN_DIR = Path(__file__).parent / "scenarios"
# Built-in roles as stored: `admin` holds every permission, `employee` none.
_BUILTIN_PERMISSIONS = {"admin": sorted(PERMISSIONS), "employee": []}
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
HOME_DIVISION_NAME = "Home"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LicenseSpec(_Strict):
    enabled: bool
    selfService: bool = True


class ScenarioRole(_Strict):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    permissions: list[str] = Field(default_factory=list)


class ScenarioClient(_Strict):
    id: str = Field(min_length=1)
    secret: str = Field(min_length=1)
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    authorizedGrantType: GrantType = GrantType.CLIENT_CREDENTIALS
    orgLock: OrgLock = OrgLock.LINKED_ORGS
    scopes: list[str] = Field(default_factory=list)


class ScenarioGrant(_Strict):
    subject: str
    role: str
    # genesys-cloud: the name of one of the org's divisions, or "*" for all; the home division when absent.
    division: str | None = None


class ScenarioOrg(_Strict):
    id: str = Field(min_length=1)
    name: str
    linked: list[str] = Field(default_factory=list)
    licenses: dict[str, LicenseSpec] = Field(default_factory=dict)
    roles: list[ScenarioRole] = Field(default_factory=list)
    clients: list[ScenarioClient] = Field(default_factory=list)
    grants: list[ScenarioGrant] = Field(default_factory=list)
    screenRecordings: int = Field(default=0, ge=0, le=10_000)
    # genesys-cloud: the org's divisions besides its home one, and the one that holds its recordings.
    divisions: list[str] = Field(default_factory=list)
    screenRecordingsDivision: str | None = None


class Scenario(_Strict):
    organizations: list[ScenarioOrg]


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; `problems` are `path: message` lines."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("; ".join(f"{source}: {problem}" for problem in problems))


def builtin_names() -> list[str]:
    return sorted(path.stem for path in BUILTIN_DIR.glob("*.yaml"))


def read_scenario(name_or_path: str | Path) -> tuple[str, Any]:
    """Returns (source label, parsed document) for a file path or a built-in scenario name."""
    path = Path(name_or_path)
    if not path.is_file():
        builtin = BUILTIN_DIR / f"{name_or_path}.yaml"
        if not builtin.is_file():
            known = ", ".join(builtin_names())
            raise ScenarioError(str(name_or_path), [f"no such file or built-in scenario (built-ins: {known})"])
        path = builtin
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(path.name, [f"cannot read: {exc}"]) from exc
    try:
        if path.suffix == ".json":
            return path.name, json.loads(text)
        return path.name, yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except json.JSONDecodeError as exc:
        raise ScenarioError(path.name, [f"line {exc.lineno}, column {exc.colno}: {exc.msg}"]) from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(path.name, [str(exc).replace("\n", " ")]) from exc


def parse_scenario(source: str, document: Any) -> Scenario:
    try:
        scenario = Scenario.model_validate(document)
    except ValidationError as exc:
        problems = [f"{field_path(tuple(e['loc'])) or '(document)'}: {e['msg']}" for e in exc.errors()]
        raise ScenarioError(source, problems) from exc
    problems = check_references(scenario)
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def check_references(scenario: Scenario) -> list[str]:
    """What pydantic cannot see: names that must exist, be known, or be unique."""
    problems: list[str] = []
    org_ids = {org.id for org in scenario.organizations}
    home_of: dict[str, str] = {}
    links = _links(scenario)
    seen_orgs: set[str] = set()
    for i, org in enumerate(scenario.organizations):
        at = f"organizations[{i}]"
        if org.id in seen_orgs:
            problems.append(f"{at}.id: duplicate org id '{org.id}'")
        seen_orgs.add(org.id)
        problems += [
            f"{at}.linked[{j}]: unknown org '{other}'" for j, other in enumerate(org.linked) if other not in org_ids
        ]
        problems += [
            f"{at}.licenses.{name}: unknown license feature '{name}'"
            for name in org.licenses
            if name not in LICENSE_FEATURES
        ]
        problems += _role_problems(at, org)
        problems += _division_problems(at, org)
        problems += _client_problems(at, org, home_of)
    for i, org in enumerate(scenario.organizations):
        problems += _grant_problems(f"organizations[{i}]", org, home_of, links.get(org.id, set()))
    return problems


def _role_problems(at: str, org: ScenarioOrg) -> list[str]:
    problems: list[str] = []
    role_names = set(BUILTIN_ROLES)
    for j, role in enumerate(org.roles):
        if role.name in role_names:
            problems.append(f"{at}.roles[{j}].name: duplicate role name '{role.name}'")
        role_names.add(role.name)
        problems += _unknown(f"{at}.roles[{j}].permissions", role.permissions, "permission")
    return problems


def _division_problems(at: str, org: ScenarioOrg) -> list[str]:
    known = set(org.divisions)
    problems = [
        f"{at}.divisions[{j}]: '{name}' is not a division name"
        for j, name in enumerate(org.divisions)
        if not name.strip() or name in (HOME_DIVISION_NAME, store.ALL_DIVISIONS) or org.divisions.index(name) != j
    ]
    if org.screenRecordingsDivision not in (None, HOME_DIVISION_NAME, *known):
        problems.append(f"{at}.screenRecordingsDivision: unknown division '{org.screenRecordingsDivision}'")
    problems += [
        f"{at}.grants[{j}].division: unknown division '{grant.division}'"
        for j, grant in enumerate(org.grants)
        if grant.division not in (None, HOME_DIVISION_NAME, store.ALL_DIVISIONS, *known)
    ]
    return problems


def division_id(org_id: str, name: str) -> str:
    """The id of a division other than home, the same on every load."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"division/{org_id}/{name}"))


def _division(org_id: str, name: str | None) -> str:
    if name is None or name == HOME_DIVISION_NAME:
        return store.HOME
    return name if name == store.ALL_DIVISIONS else division_id(org_id, name)


def _client_problems(at: str, org: ScenarioOrg, home_of: dict[str, str]) -> list[str]:
    """Problems of `org`'s service accounts; records the org each account id lives in, in `home_of`."""
    problems: list[str] = []
    client_names: set[str] = set()
    for j, client in enumerate(org.clients):
        if client.id in home_of:
            problems.append(f"{at}.clients[{j}].id: duplicate service account id '{client.id}'")
        if client.name in client_names:
            problems.append(f"{at}.clients[{j}].name: duplicate service account name '{client.name}'")
        home_of.setdefault(client.id, org.id)
        client_names.add(client.name)
        problems += _unknown(f"{at}.clients[{j}].scopes", client.scopes, "scope")
    return problems


def _grant_problems(at_org: str, org: ScenarioOrg, home_of: dict[str, str], linked: set[str]) -> list[str]:
    problems: list[str] = []
    role_names = set(BUILTIN_ROLES) | {role.name for role in org.roles}
    for j, grant in enumerate(org.grants):
        at = f"{at_org}.grants[{j}]"
        if grant.role not in role_names:
            problems.append(f"{at}.role: role '{grant.role}' is not defined in org '{org.id}'")
        home = home_of.get(grant.subject)
        if home is None:
            problems.append(f"{at}.subject: unknown service account '{grant.subject}'")
        elif home != org.id and home not in linked:
            problems.append(
                f"{at}.subject: service account '{grant.subject}' lives in org '{home}', "
                f"which is not linked to '{org.id}'"
            )
    return problems


def _unknown(at: str, values: list[str], kind: str) -> list[str]:
    return [f"{at}[{k}]: unknown {kind} '{value}'" for k, value in enumerate(values) if value not in PERMISSIONS]


def _links(scenario: Scenario) -> dict[str, set[str]]:
    # Links are symmetric: naming one side is enough.
    links: dict[str, set[str]] = {}
    for org in scenario.organizations:
        for other in org.linked:
            if other != org.id:
                links.setdefault(org.id, set()).add(other)
                links.setdefault(other, set()).add(org.id)
    return links


def state_rows(scenario: Scenario, dialect: Api = Api.SEED) -> store.StateRows:
    """The database rows of a validated scenario; role ids are fresh, everything else is given.

    On genesys-cloud, permissions are stored by their Genesys names, and a client's grants outside
    its own org are left out: there a client exists in one org only.
    """
    genesys = dialect is Api.GENESYS_CLOUD
    home_of = {client.id: org.id for org in scenario.organizations for client in org.clients}
    rows = store.StateRows([], [], [], [], [], [], [], [])
    for org_id, others in _links(scenario).items():
        rows.links.extend((org_id, other) for other in others)
    for org in scenario.organizations:
        _add_org(rows, org, genesys, home_of)
    return rows


def _add_org(rows: store.StateRows, org: ScenarioOrg, genesys: bool, home_of: dict[str, str]) -> None:
    rows.orgs.append((org.id, org.name))
    role_ids = _add_roles(rows, org, genesys)
    rows.clients.extend(_client_row(org.id, client) for client in org.clients)
    rows.divisions.extend((org.id, division_id(org.id, name), name) for name in org.divisions)
    rows.grants.extend(
        (org.id, grant.subject, role_ids[grant.role], _division(org.id, grant.division))
        for grant in org.grants
        if not genesys or home_of[grant.subject] == org.id
    )
    for feature in sorted(LICENSE_FEATURES):
        spec = org.licenses.get(feature, LicenseSpec(enabled=False))
        rows.licenses.append((org.id, feature, int(spec.enabled), int(spec.selfService)))
    rows.recordings.extend(_recordings(org.id, org.screenRecordings, _division(org.id, org.screenRecordingsDivision)))


def _add_roles(rows: store.StateRows, org: ScenarioOrg, genesys: bool) -> dict[str, str]:
    """Adds the org's built-in and declared roles; their ids by name."""
    role_ids = {name: name for name in BUILTIN_ROLES}
    for name, builtin_perms in _BUILTIN_PERMISSIONS.items():
        rows.roles.append((org.id, name, name, f"Built-in {name} role", _stored(builtin_perms, genesys), 1, 1))
    for role in org.roles:
        role_ids[role.name] = store.new_id()
        rows.roles.append(
            (org.id, role_ids[role.name], role.name, role.description, _stored(role.permissions, genesys), 0, 1)
        )
    return role_ids


def _stored(permissions: list[str], genesys: bool) -> str:
    return " ".join(genesys_permissions.from_seed(permissions) if genesys else sorted(set(permissions)))


def _client_row(org_id: str, client: ScenarioClient) -> store.ClientRow:
    fields = client.model_dump(exclude={"secret"})
    return store.client_row(org_id, OAuthClient(**fields, version=1), store.digest(client.secret))


def _recordings(org_id: str, count: int, division: str) -> list[tuple[str, str, str, str, str, int, str, str]]:
    # Deterministic synthetic rows, so two loads of one scenario serve the same data.
    rows = []
    for n in range(count):
        recording_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"recording/{org_id}/{n}"))
        start = (_EPOCH + timedelta(hours=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(
            (
                org_id,
                recording_id,
                str(uuid.uuid5(uuid.NAMESPACE_URL, f"conversation/{org_id}/{n}")),
                f"user-{n % 7}",
                start,
                60_000 + 1_000 * n,
                f"https://media.emulator.invalid/{org_id}/{recording_id}.webm",
                division,
            )
        )
    return rows


def load(db_store: store.Store, scenario: Scenario, dialect: Api = Api.SEED) -> None:
    """Replaces the whole platform state with the scenario's, in one transaction."""
    rows = state_rows(scenario, dialect)
    with db_store.write() as db:
        store.replace_state(db, rows)
