"""The rules of the policy pack (policies/), as plain functions over resource inputs.

`policies/__main__.py` only wires these into pulumi_policy, so every rule is unit-tested
without the engine and the review report (orgaccess.reports.review) names them the same way.
Each message says what is wrong and which line of access.yaml to change.

The rules work on declarations of either dialect through one mapping: every permission is compared
as the Genesys Cloud permissions it stands for (`held`), so a seed name (`recording:view`) and its
Genesys name (`recording:screenRecording:view`) are the same permission to every rule. The pack
adds the stack's dialect to each rule's config (`platform`), for what exists on one dialect only
(token scopes, cause C1) and to quote permissions as the declarations write them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from orgaccess import dialects
from orgaccess.dialects.base import Definition
from orgaccess.platform.genesys.permissions import from_seed
from orgaccess.platform.models import ALL_DIVISIONS
from orgaccess.platform.settings import DEFAULT_PLATFORM
from orgaccess.reconciler.kinds import KINDS, license_feature, object_kind, role, role_binding, service_account
from orgaccess.reconciler.kinds.base import Kind
from orgaccess.vocabulary import PERMISSIONS, Permission

TYPE_PREFIX = "pulumi-python:dynamic/orgaccess:"
Props = Mapping[str, Any]
Config = Mapping[str, Any]

# The built-in roles' permissions, as docs/api.md defines them.
BUILTIN_PERMISSIONS: dict[str, frozenset[str]] = {"admin": PERMISSIONS, "employee": frozenset()}
DEFAULT_ALLOWED = (Permission.SCREEN_RECORDING_ADMIN, Permission.ANALYTICS_READ, Permission.RECORDING_VIEW)
ALLOWED_KEY = "allowedPermissions"
# "require" every binding to grant in every division ('*'), "forbid" it, or "allow" either.
ALL_DIVISIONS_KEY = "allDivisions"
# Not a setting: the pack sets it from the stack's orgaccess:platform.
PLATFORM_KEY = "platform"


@dataclass(frozen=True)
class Resource:
    """One orgaccess resource as a policy sees it: its kind, URN and declared inputs."""

    kind: str
    urn: str
    props: Props


@dataclass(frozen=True)
class Violation:
    message: str
    # The resource to blame; None blames the stack as a whole.
    urn: str | None = None


def kind_of(resource_type: str) -> str | None:
    """`ServiceAccount` for `pulumi-python:dynamic/orgaccess:ServiceAccount`; None for other types."""
    return resource_type.removeprefix(TYPE_PREFIX) if resource_type.startswith(TYPE_PREFIX) else None


def resources_of(resource_type: str, urn: str, props: Props) -> Iterator[Resource]:
    """The declared objects of one engine resource: an org's `OrgAccess` holds its roles, bindings, licenses.

    None of another provider's resource, or of the stack's `Convergence` check, which declares nothing.
    """
    kind = KINDS.get(kind_of(resource_type) or "")
    for held, declared in kind.objects(props) if kind else ():
        yield Resource(held.name, urn, declared)


def _identity(kind: Kind, props: Props) -> tuple[str, ...]:
    return tuple(str(props[f]) for f in kind.identity)


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"'{n}'" for n in sorted(names))


def held(permissions: Iterable[str]) -> frozenset[str]:
    """What `permissions` grant, named the Genesys way on both dialects (the finer names: a seed
    permission such as security:read stands for several Genesys ones)."""
    return frozenset(from_seed(permissions))


def _dialect(config: Config) -> Definition:
    """The stack's dialect, which the pack adds to the config."""
    return dialects.named(config.get(PLATFORM_KEY) or DEFAULT_PLATFORM)


def _spelled(permissions: Iterable[str], config: Config) -> list[str]:
    """Seed permission names as the stack's declarations write them."""
    return _dialect(config).spelled(list(permissions))


# ---- rules over one resource


def grant_type_client_credentials(props: Props, _config: Config) -> Iterator[str]:
    if props["grantType"] != "client_credentials":
        yield (
            f"service account '{props['name']}' has grantType '{props['grantType']}', and the platform "
            "issues app tokens only to client_credentials accounts; "
            "set `grantType: client_credentials` on it in access.yaml"
        )


def no_admin_for_apps(props: Props, _config: Config) -> Iterator[str]:
    if "admin" in props["roles"]:
        yield (
            f"service account '{props['serviceAccount']}' is bound to the built-in role 'admin' in org "
            f"'{props['org']}', which carries every permission; replace 'admin' in that binding with a "
            "custom role that holds only the permissions the app uses (e.g. 'Recording Analyst')"
        )


def permission_allow_list(props: Props, config: Config) -> Iterator[str]:
    # Either dialect's names may be allow-listed; the list is quoted as the declarations write names.
    listed = config.get(ALLOWED_KEY) or DEFAULT_ALLOWED
    allowed = held(listed)
    extra = {p for p in props["permissions"] if not held([p]) <= allowed}
    if extra:
        yield (
            f"role '{props['name']}' in org '{props['org']}' carries {_quoted(extra)}, outside the "
            f"allow-list ({_quoted(_spelled(listed, config))}); remove them from the role in access.yaml, or, after a "
            f"security review, add them to `{ALLOWED_KEY}` in the policy pack config"
        )


def all_divisions(props: Props, config: Config) -> Iterator[str]:
    # Divisions exist on genesys-cloud only; the seed platform grants in the whole org.
    setting = config.get(ALL_DIVISIONS_KEY) or "allow"
    if not _dialect(config).divisions or setting == "allow":
        return
    divisions = props.get("divisions")
    everywhere = divisions == [ALL_DIVISIONS]
    where = f"service account '{props['serviceAccount']}' in org '{props['org']}'"
    if setting == "require" and not everywhere:
        yield (
            f"the binding of {where} grants in {_quoted(divisions or ['the home division'])}, and this stack "
            f"requires every division (`{ALL_DIVISIONS_KEY}: require`); set `divisions: ['*']` on it in access.yaml"
        )
    if setting == "forbid" and everywhere:
        yield (
            f"the binding of {where} grants in every division ('*'), which this stack forbids "
            f"(`{ALL_DIVISIONS_KEY}: forbid`); list the divisions that hold its recordings instead in access.yaml"
        )


# A generated credential: long, one unbroken token, mixing cases and digits. Rotation
# markers people write ("2025-01", "after-incident-42") do not match.
_SECRET_LIKE = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[A-Za-z0-9+/=_.~-]{20,}$")


def secret_rotation_not_a_secret(props: Props, _config: Config) -> Iterator[str]:
    marker = props.get("secretRotation")
    if marker and _SECRET_LIKE.match(marker):
        yield (
            f"secretRotation of service account '{props['name']}' looks like a secret; the value is "
            "stored in plain text in the state and shown in every preview. Use a label such as the "
            "month ('2025-01'), and rotate the leaked secret"
        )


# ---- rules over the whole stack


class Declared:
    """The declared objects of one stack, each kind's by the fields that name an object (its identity)."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self._objects: dict[str, dict[tuple[str, ...], Resource]] = {}
        # By URN, an org's objects in the order its resource lists them.
        for resource in sorted(resources, key=lambda r: r.urn):
            kind = object_kind(resource.kind)
            self._objects.setdefault(kind.name, {})[_identity(kind, resource.props)] = resource

    def all(self, kind: Kind) -> list[Resource]:
        """The declared objects of `kind`, by URN."""
        return list(self._objects.get(kind.name, {}).values())

    def find(self, kind: Kind, *identity: str) -> Resource | None:
        """The object of `kind` named by these values of its identity: `find(role.KIND, org, name)`."""
        return self._objects.get(kind.name, {}).get(identity)

    @property
    def accounts(self) -> list[Resource]:
        return self.all(service_account.KIND)

    @property
    def bindings(self) -> list[Resource]:
        return self.all(role_binding.KIND)

    def account_of(self, binding: Resource) -> Resource | None:
        return self.find(service_account.KIND, binding.props["homeOrg"], binding.props["serviceAccount"])

    def permissions(self, org: str, name: str) -> frozenset[str]:
        """What role `name` grants in `org`, as `held` names it."""
        if name in BUILTIN_PERMISSIONS:
            return held(BUILTIN_PERMISSIONS[name])
        found = self.find(role.KIND, org, name)
        return held(found.props["permissions"]) if found else frozenset()

    def roles_with(self, binding: Resource, permission: str) -> list[str]:
        """The roles of `binding` that carry `permission` (either dialect's name) in the binding's org."""
        org, wanted = binding.props["org"], held([permission])
        return [r for r in binding.props["roles"] if wanted <= self.permissions(org, r)]

    def license_on(self, org: str, feature: str) -> bool:
        found = self.find(license_feature.KIND, org, feature)
        return bool(found and found.props["enabled"])


def no_primary_only_across_orgs(view: Declared, _config: Config) -> Iterator[Violation]:
    foreign: dict[str, tuple[Resource, set[str]]] = {}
    for binding in view.bindings:
        account = view.account_of(binding)
        if account is None or account.props["orgLock"] != "PRIMARY_ONLY":
            continue
        if binding.props["org"] != account.props["homeOrg"]:
            foreign.setdefault(account.urn, (account, set()))[1].add(binding.props["org"])
    for urn, (account, orgs) in sorted(foreign.items()):
        yield Violation(
            f"service account '{account.props['name']}' is locked to its home org (orgLock: PRIMARY_ONLY) "
            f"but is bound in {_quoted(orgs)}, where every call would answer 403 (cause C2); "
            "set `orgLock: LINKED_ORGS` on it in access.yaml",
            urn,
        )


def recording_view_needs_scope_and_license(view: Declared, config: Config) -> Iterator[Violation]:
    (recording_view,) = _spelled([Permission.RECORDING_VIEW], config)
    for binding in view.bindings:
        roles = view.roles_with(binding, Permission.RECORDING_VIEW)
        account = view.account_of(binding)
        if not roles or account is None:
            continue
        org, name = binding.props["org"], binding.props["serviceAccount"]
        # Where scopes do not limit a client-credentials token (genesys-cloud), C1 does not exist.
        if _dialect(config).scopes and Permission.RECORDING_VIEW not in account.props["scopes"]:
            yield Violation(
                f"service account '{name}' holds {Permission.RECORDING_VIEW} in org '{org}' through {_quoted(roles)}, "
                f"but its token cannot carry it (cause C1); add {Permission.RECORDING_VIEW} to its `scopes`",
                binding.urn,
            )
        if not view.license_on(org, "analytics"):
            yield Violation(
                f"service account '{name}' holds {recording_view} in org '{org}', but the org does not "
                "declare the analytics license on, so recordings answer 403 (cause C4); "
                f"add `licenses: {{analytics: true}}` to org '{org}'",
                binding.urn,
            )


def screen_recording_admin_justified(view: Declared, _config: Config) -> Iterator[Violation]:
    for binding in view.bindings:
        roles = view.roles_with(binding, Permission.SCREEN_RECORDING_ADMIN)
        if roles and not (binding.props.get("justification") or "").strip():
            yield Violation(
                f"service account '{binding.props['serviceAccount']}' may delete screen recordings in org "
                f"'{binding.props['org']}' through {_quoted(roles)} without a stated reason; "
                "add `justification: <why>` to that binding",
                binding.urn,
            )


def scopes_used_by_roles(view: Declared, _config: Config) -> Iterator[Violation]:
    used: dict[str, set[str]] = {account.urn: set() for account in view.accounts}
    for binding in view.bindings:
        account = view.account_of(binding)
        if account:
            for name in binding.props["roles"]:
                used[account.urn] |= view.permissions(binding.props["org"], name)
    for account in view.accounts:
        unused = {s for s in account.props["scopes"] if not held([s]) <= used[account.urn]}
        if unused:
            yield Violation(
                f"service account '{account.props['name']}' has scope(s) {_quoted(unused)} that no role "
                "bound to it uses in any org; remove them from its `scopes` (least privilege)",
                account.urn,
            )


# ---- the pack


@dataclass(frozen=True)
class ResourceRule:
    name: str
    description: str
    mandatory: bool
    # The only kind this rule looks at.
    kind: str
    check: Callable[[Props, Config], Iterable[str]]
    # JSON-schema properties of the rule's own config, beside enforcementLevel.
    config_schema: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StackRule:
    name: str
    description: str
    mandatory: bool
    check: Callable[[Declared, Config], Iterable[Violation]]
    config_schema: Mapping[str, Any] = field(default_factory=dict)


Rule = ResourceRule | StackRule

RULES: Sequence[Rule] = (
    ResourceRule(
        "grant-type-client-credentials",
        "A service account's grant type is client_credentials.",
        True,
        service_account.KIND.name,
        grant_type_client_credentials,
    ),
    StackRule(
        "no-primary-only-across-orgs",
        "A service account bound outside its home org is not locked to it (C2).",
        True,
        no_primary_only_across_orgs,
    ),
    StackRule(
        "recording-view-needs-scope-and-license",
        "Where an account holds recording:view (recording:screenRecording:view on genesys-cloud), it has the "
        "scope (C1, seed platform only) and the org analytics on (C4).",
        True,
        recording_view_needs_scope_and_license,
    ),
    ResourceRule(
        "no-admin-for-apps",
        "No app service account is bound to the built-in admin role.",
        True,
        role_binding.KIND.name,
        no_admin_for_apps,
    ),
    ResourceRule(
        "permission-allow-list",
        "Custom roles carry only allow-listed permissions.",
        True,
        role.KIND.name,
        permission_allow_list,
        {ALLOWED_KEY: {"type": "array", "items": {"type": "string"}, "default": list(DEFAULT_ALLOWED)}},
    ),
    ResourceRule(
        "secret-rotation-not-a-secret",
        "secretRotation is a label, never a secret.",
        True,
        service_account.KIND.name,
        secret_rotation_not_a_secret,
    ),
    ResourceRule(
        "all-divisions",
        "On genesys-cloud, every binding grants in every division ('*'), or none does, as the stack's "
        "allDivisions setting says (require, forbid; allow by default).",
        True,
        role_binding.KIND.name,
        all_divisions,
        {ALL_DIVISIONS_KEY: {"type": "string", "enum": ["allow", "require", "forbid"], "default": "allow"}},
    ),
    StackRule(
        "screen-recording-admin-justified",
        "admin:screen_recordings (recording:screenRecording:delete on genesys-cloud) is bound only with a "
        "justification.",
        False,
        screen_recording_admin_justified,
    ),
    StackRule(
        "scopes-used-by-roles",
        "A service account's scopes are used by the roles bound to it.",
        False,
        scopes_used_by_roles,
    ),
)
