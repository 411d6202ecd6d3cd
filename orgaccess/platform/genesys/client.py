"""The platform client's interface over Genesys Cloud: the seam between the kinds and this dialect.

Kinds, snapshots, doctor and export call `PlatformClient` methods that take the target org first
and speak the platform model (`orgaccess.platform.models`). On Genesys Cloud a token acts in its
own org only, so `GenesysClient` holds one `GenesysOrgClient` per org, each logged in with that
org's admin credentials, and sends each call to the org it names. `GenesysOrgClient` is a
`PlatformClient` (same retries, pacing, typed errors, redaction) that speaks Genesys's paths and
wire models and translates them to and from the platform model:

- roles: `permissionPolicies` <-> flat `domain:entity:action` permissions; Genesys roles have no
  version, so the model's `version` is always 1 and a PUT is a plain replacement;
- OAuth clients: `authorizedGrantType` spelt `CLIENT-CREDENTIALS`; no org lock (reported as
  `PRIMARY_ONLY`: a Genesys client never acts outside its org); a PUT carries the client's current
  `roleDivisions` so that changing a client never drops its grants;
- grants: `(role, division)` pairs, written one pair at a time and read from the subject, or (by
  kinds/grants.py) from a client's `roleDivisions` in its org's listing; a division is one of the
  org's (`GET /api/v2/authorization/divisions`) or `*`, every division;
- license features: one toggle per known feature name (Genesys lists none), each read when first
  asked for (`toggles.Toggles`); switching is a POST that flips the value, so it is sent only when
  the value differs, and checked again before a retry.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from pydantic import BaseModel, SecretStr

from orgaccess.platform._redact import redact
from orgaccess.platform._token import HandedToken
from orgaccess.platform.client import TOKEN_PATH, PlatformClient, _ignore, _nothing, _path
from orgaccess.platform.errors import NotFound
from orgaccess.platform.genesys import permissions, wire
from orgaccess.platform.genesys.toggles import Toggles
from orgaccess.platform.models import (
    EVERY_DIVISION,
    SEED_HOME,
    ClientSecret,
    Division,
    Grant,
    LicenseFeature,
    OAuthClient,
    OAuthClientSpec,
    OAuthClientUpdate,
    OAuthClientWithSecret,
    Organization,
    Role,
    RoleSpec,
    RoleUpdate,
)

_CLIENTS = "/api/v2/oauth/clients"
_ROLES = "/api/v2/authorization/roles"
_SUBJECTS = "/api/v2/authorization/subjects"
_DIVISIONS = "/api/v2/authorization/divisions"
_TOGGLES = "/api/v2/license/toggles"
_APP_CALL = "/api/v2/recordings/screensessions/details"
_CLIENT_SUBJECT = {"subjectType": wire.SUBJECT_TYPE_CLIENT}
# Genesys roles and clients carry no version; the model's optimistic version is constant here.
_VERSION = 1


class UnknownOrg(ValueError):
    """A call for an org orgaccess holds no Genesys Cloud credentials for."""


def _role(role: wire.Role) -> Role:
    return Role(
        id=role.id,
        name=role.name,
        description=role.description,
        permissions=permissions.flatten(role.permissionPolicies),
        builtIn=role.default,
        version=_VERSION,
    )


def _granted_role(role: wire.GrantRole) -> Role:
    policies = [
        permissions.PermissionPolicy(domain=p.domain, entityName=p.entityName, actionSet=p.actions)
        for p in role.policies
    ]
    return Role(
        id=role.id,
        name=role.name,
        description=role.description,
        permissions=permissions.flatten(policies),
        builtIn=role.default,
        version=_VERSION,
    )


def _client(client: wire.OAuthClient) -> OAuthClient:
    return wire.model_client(client, client.id, _VERSION)


def _role_request(spec: RoleSpec) -> wire.RoleRequest:
    return wire.RoleRequest(
        name=spec.name, description=spec.description, permissionPolicies=permissions.policies(spec.permissions)
    )


def _client_request(spec: OAuthClientSpec, role_divisions: list[wire.RoleDivision]) -> wire.OAuthClientRequest:
    return wire.OAuthClientRequest(
        name=spec.name,
        description=spec.description,
        authorizedGrantType=wire.GRANT_TYPES[spec.authorizedGrantType],
        scope=spec.scopes,
        roleDivisions=role_divisions,
    )


class GenesysOrgClient(PlatformClient):
    """The platform client's methods for one Genesys Cloud org, as that org's admin client."""

    sends_org_header = False

    def __init__(self, base_url: str, org: str, client_id: str, client_secret: str | SecretStr, **options: Any) -> None:
        super().__init__(base_url, client_id, client_secret, **options)
        self.base_url = base_url.rstrip("/")
        self.org = org
        self._home_division: str | None = None

    def __repr__(self) -> str:
        return f"GenesysOrgClient(org={self.org!r}, client_id={self.client_id!r})"

    def _token_url(self) -> str:
        # Genesys issues tokens on the login host of the API's region, as its SDK computes it:
        # https://api.mypurecloud.com -> https://login.mypurecloud.com/oauth/token.
        return re.sub(r"//api\.", "//login.", self.base_url, count=1) + TOKEN_PATH

    def _call(self, method: str, path: str, parse: Any, body: BaseModel | None = None, **options: Any) -> Any:
        return self._api(self.org, method, path, parse, body=body, **options)

    def home_division(self) -> str:
        """The id of the org's home division, where a binding without divisions grants (read once)."""
        if self._home_division is None:
            division = self._call("GET", "/api/v2/authorization/divisions/home", wire.Division.model_validate_json)
            self._home_division = division.id
        return self._home_division

    def _division(self, division: wire.Division) -> Division:
        if division.id == wire.ALL_DIVISIONS:
            return EVERY_DIVISION
        queues = (division.objectCounts or {}).get("QUEUE", 0)
        return Division(id=division.id, name=division.name, home=self._is_home(division), queues=queues)

    def _is_home(self, division: wire.Division) -> bool:
        # Genesys flags its home division in every division it answers with: the call that names the
        # home one (one per org) is made only for an answer without the flag.
        if division.homeDivision is not None:
            return division.homeDivision
        return division.id == self.home_division()

    def list_divisions(self, org: str) -> list[Division]:
        """The org's divisions, with how many queues each holds."""
        listed = self._list(self.org, _DIVISIONS, wire.Division, {"objectCount": "true"})
        return [self._division(d) for d in listed]

    # Organizations

    def get_organization(self, org: str) -> Organization:
        found = self._call("GET", "/api/v2/organizations/me", wire.Organization.model_validate_json)
        # No linked orgs: nothing links a Genesys client to another org.
        return Organization(id=found.id, name=found.name)

    # OAuth clients

    def _wire_clients(self) -> list[wire.OAuthClient]:
        return self._list(self.org, _CLIENTS, wire.OAuthClient)

    def list_clients(self, org: str) -> list[OAuthClient]:
        return [_client(client) for client in self._wire_clients()]

    def _wire_client(self, client_id: str) -> wire.OAuthClient:
        return self._call("GET", _path(_CLIENTS, client_id), wire.OAuthClient.model_validate_json)

    def get_client(self, org: str, client_id: str) -> OAuthClient:
        return _client(self._wire_client(client_id))

    def create_client(self, org: str, spec: OAuthClientSpec) -> OAuthClientWithSecret:
        created = self._call(
            "POST",
            _CLIENTS,
            wire.OAuthClient.model_validate_json,
            _client_request(spec, []),
            idempotent=False,
            recover=lambda: self._landed_client(org, spec),
        )
        if isinstance(created, OAuthClientWithSecret):
            return created
        redact.add(created.secret or "")
        # dict(), not model_dump(): the copy keeps `grants`, which is never sent and so never dumped.
        return OAuthClientWithSecret(**dict(_client(created)), secret=created.secret or "")

    def update_client(self, org: str, client_id: str, update: OAuthClientUpdate) -> OAuthClient:
        # A PUT replaces roleDivisions too: carry the current ones, or the client loses its grants.
        current = self._wire_client(client_id)
        spec = OAuthClientSpec(**update.model_dump(exclude={"version"}))
        body = _client_request(spec, current.roleDivisions)
        return _client(self._call("PUT", _path(_CLIENTS, client_id), wire.OAuthClient.model_validate_json, body))

    def delete_client(self, org: str, client_id: str) -> None:
        self._call("DELETE", _path(_CLIENTS, client_id), _ignore, gone=_nothing)

    def rotate_secret(self, org: str, client_id: str) -> ClientSecret:
        rotated = self._call("POST", _path(_CLIENTS, client_id, "secret"), wire.OAuthClient.model_validate_json)
        secret = ClientSecret(id=client_id, secret=rotated.secret or "")
        redact.add(secret.secret)
        return secret

    # Roles

    def list_roles(self, org: str, name: str | None = None) -> list[Role]:
        params = {} if name is None else {"name": name}
        return [_role(role) for role in self._list(self.org, _ROLES, wire.Role, params)]

    def get_role(self, org: str, role_id: str) -> Role:
        return _role(self._call("GET", _path(_ROLES, role_id), wire.Role.model_validate_json))

    def create_role(self, org: str, spec: RoleSpec) -> Role:
        created = self._call(
            "POST",
            _ROLES,
            wire.Role.model_validate_json,
            _role_request(spec),
            idempotent=False,
            recover=lambda: self._role_named(org, spec.name),
        )
        return created if isinstance(created, Role) else _role(created)

    def update_role(self, org: str, role_id: str, update: RoleUpdate) -> Role:
        body = _role_request(RoleSpec(**update.model_dump(exclude={"version"})))
        return _role(self._call("PUT", _path(_ROLES, role_id), wire.Role.model_validate_json, body))

    def delete_role(self, org: str, role_id: str) -> None:
        self._call("DELETE", _path(_ROLES, role_id), _ignore, gone=_nothing)

    # Grants

    def list_subject_grants(self, org: str, subject_id: str) -> list[Grant]:
        subject = self._call("GET", _path(_SUBJECTS, subject_id), wire.Subject.model_validate_json)
        return [Grant(role=_granted_role(g.role), division=self._division(g.division)) for g in subject.grants]

    def _grant_path(self, subject_id: str, role_id: str, division: Division) -> str:
        division_id = self.home_division() if division.home else division.id
        return _path(_SUBJECTS, subject_id, "divisions", division_id, "roles", role_id)

    def grant_role(self, org: str, subject_id: str, role_id: str, division: Division = SEED_HOME) -> None:
        self._call("POST", self._grant_path(subject_id, role_id, division), _ignore, params=_CLIENT_SUBJECT)

    def revoke_role(self, org: str, subject_id: str, role_id: str, division: Division = SEED_HOME) -> None:
        self._call("DELETE", self._grant_path(subject_id, role_id, division), _ignore, gone=_nothing)

    # License features

    def _toggle(self, name: str) -> wire.LicenseToggle:
        return self._call("GET", _path(_TOGGLES, name), wire.LicenseToggle.model_validate_json)

    def license_features(self, org: str) -> Mapping[str, LicenseFeature]:
        # Genesys lists no toggles and says not which are contract-managed (a switch it refuses says so).
        return Toggles(self._feature)

    def _feature(self, name: str) -> LicenseFeature | None:
        try:
            toggle = self._toggle(name)
        except NotFound:
            return None
        return LicenseFeature(name=name, enabled=toggle.enabled, selfService=True)

    def set_license_feature(self, org: str, name: str, enabled: bool) -> LicenseFeature:
        if self._toggle(name).enabled != enabled:
            self._call(
                "POST",
                _path(_TOGGLES, name),
                wire.LicenseToggle.model_validate_json,
                idempotent=False,
                recover=lambda: self._toggled(name, enabled),
            )
        return LicenseFeature(name=name, enabled=enabled, selfService=True)

    def _toggled(self, name: str, enabled: bool) -> wire.LicenseToggle | None:
        # A switch that landed must not be sent again: it would switch the feature back.
        toggle = self._toggle(name)
        return toggle if toggle.enabled == enabled else None

    # Data plane

    def screen_sessions(self, org: str) -> int:
        """The app's call on Genesys Cloud; 403 when access is broken."""
        return int(self._call("GET", _APP_CALL, wire.ScreenRecordingSessions.model_validate_json).count)


# PlatformClient's API methods, each taking the target org first.
_ORG_METHODS = frozenset(
    {
        "get_organization",
        "list_clients",
        "get_client",
        "create_client",
        "update_client",
        "delete_client",
        "rotate_secret",
        "list_roles",
        "get_role",
        "create_role",
        "update_role",
        "delete_role",
        "list_subject_grants",
        "list_divisions",
        "grant_role",
        "revoke_role",
        "license_features",
        "set_license_feature",
        "screen_sessions",
    }
)


class GenesysClient:
    """The platform client over several Genesys Cloud orgs: each call goes to its org's own client.

    An org's client is made at its first call: a process of a 5,000-org fleet reads a share of the
    orgs, or none (the command that hands them out), and making them all cost 0.4 s of CPU in each.
    Every admin secret is pinned for redaction at once all the same: an error may quote any of them.
    """

    def __init__(self, base_url: str, credentials: Mapping[str, tuple[str, SecretStr]], **options: Any) -> None:
        if not credentials:
            raise ValueError("Genesys Cloud needs admin credentials for at least one org")
        self._base_url = base_url
        self._credentials = dict(sorted(credentials.items()))
        self._options = options
        for _client_id, secret in self._credentials.values():
            redact.pin(secret.get_secret_value())
        self._lock = threading.Lock()
        self._made: dict[str, GenesysOrgClient] = {}
        self._taken: dict[str, HandedToken] = {}
        self._closed = False

    def __repr__(self) -> str:
        return f"GenesysClient(orgs={list(self._credentials)!r})"

    def __enter__(self) -> GenesysClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
        for client in self._clients():
            client.close()

    def org(self, org: str) -> GenesysOrgClient:
        """The client of one org; UnknownOrg names the orgs there are credentials for."""
        made = self._made.get(org)
        if made is not None:
            return made
        client_id, secret = self._credential(org)
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot send a request: the client has been closed")
            if org not in self._made:
                client = GenesysOrgClient(self._base_url, org, client_id, secret, **self._options)
                client.take_tokens(self._taken)
                self._made[org] = client
            return self._made[org]

    def _clients(self) -> list[GenesysOrgClient]:
        with self._lock:
            return list(self._made.values())

    def own_client_id(self, org: str) -> str:
        """orgaccess's own client as `org` sees it: its admin client there."""
        return self._credential(org)[0]

    def _credential(self, org: str) -> tuple[str, SecretStr]:
        try:
            return self._credentials[org]
        except KeyError:
            known = ", ".join(self._credentials)
            raise UnknownOrg(
                f"no Genesys Cloud credentials for org '{org}' (credentials are set for: {known})"
            ) from None

    @property
    def calls(self) -> int:
        return sum(client.calls for client in self._clients())

    def handed_tokens(self) -> dict[str, HandedToken]:
        """The tokens of the orgs this client has logged in to, by admin client id."""
        return {client_id: handed for client in self._clients() for client_id, handed in client.handed_tokens().items()}

    def take_tokens(self, tokens: Mapping[str, HandedToken]) -> None:
        """Tokens for the orgs' clients to use instead of logging in: those made, and those made later."""
        with self._lock:
            self._taken.update(tokens)
        for client in self._clients():
            client.take_tokens(tokens)

    def __getattr__(self, name: str) -> Any:
        # Every platform method takes the target org first; send it to that org's client.
        if name not in _ORG_METHODS:
            raise AttributeError(name)

        def in_org(org: str, *args: Any, **kwargs: Any) -> Any:
            return getattr(self.org(org), name)(org, *args, **kwargs)

        return in_org
