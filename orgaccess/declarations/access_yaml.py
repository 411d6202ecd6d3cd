"""The declarations file, ``access.yaml``: its models, and a loader that explains bad input.

Every failure of ``load_declarations``/``parse_declarations`` is a ``DeclarationError`` whose
text is one line per problem, ``<file>:<line>: <what is wrong>; <the fix>``, sorted by line.
Structure (keys, types, sizes) is checked first; names and references (unknown permissions,
undeclared roles, duplicates, ...) only once the structure is sound, since they need it.

Decisions beyond docs/access-yaml.md:
- ``homeOrg`` need not be listed under ``orgs``: the service accounts are still managed there.
- YAML anchors and aliases are refused (see ``yamlsource``); so are files over 5 MiB.
- OAuth scopes are checked against the platform's permissions, as the platform's scopes are.
- Built-in role names are reserved case-insensitively: a custom ``Admin`` is refused too.
- On the genesys-cloud platform, permissions are Genesys's ``domain:entity:action`` names, scopes
  are not checked (they do not limit a client-credentials token there), and ``orgLock`` is refused:
  a Genesys client acts in its own org only.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from orgaccess import collector
from orgaccess.declarations.yamlsource import Path as DataPath
from orgaccess.declarations.yamlsource import Sourced, YamlSourceError, load_yaml, show
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.models import ALL_DIVISIONS
from orgaccess.printable import unsafe_character
from orgaccess.vocabulary import BUILTIN_ROLES, LICENSE_FEATURES

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_PROBLEMS = 50  # past this, a message helps nobody; fixing the first ones usually fixes more


def _printable(allow_line_breaks: bool) -> AfterValidator:
    # Control and bidi characters would rewrite a terminal or disguise a name in a review.
    def check(value: str) -> str:
        found = unsafe_character(value, allow_line_breaks=allow_line_breaks)
        if found is not None:
            raise PydanticCustomError("unsafe_character", "holds {character}", {"character": found})
        return value

    return AfterValidator(check)


Name = Annotated[str, Field(min_length=1, max_length=200), _printable(allow_line_breaks=False)]
Text = Annotated[str, Field(max_length=2000), _printable(allow_line_breaks=True)]


class _Decl(BaseModel):
    # strict: YAML already typed the values; coercing "yes" to true would hide a mistake.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ServiceAccountDecl(_Decl):
    name: Name = Field(examples=["Premium App"])
    grantType: Literal["client_credentials", "code", "token"] = Field(examples=["client_credentials"])
    scopes: list[str] = Field(max_length=100, examples=["[recording:view]"])
    # Refused on genesys-cloud, where every client is PRIMARY_ONLY in effect (see _without_org_lock).
    orgLock: Literal["PRIMARY_ONLY", "LINKED_ORGS"] = Field(examples=["LINKED_ORGS"])
    description: Text = Field(default="", examples=["Reads screen recordings for Premium"])
    # Opaque: any change of value asks the reconciler to rotate the secret.
    secretRotation: Name | None = Field(default=None, examples=["'2025-01'"])


class RoleDecl(_Decl):
    name: Name = Field(examples=["Recording Analyst"])
    permissions: list[str] = Field(max_length=100, examples=["[recording:view]"])
    description: Text = Field(default="", examples=["Views screen recordings"])


class BindingDecl(_Decl):
    serviceAccount: Name = Field(examples=["Premium App"])
    roles: list[Name] = Field(max_length=100, examples=["[Recording Analyst]"])
    # Why a sensitive role is bound; the policy pack reads it.
    justification: Text | None = Field(default=None, examples=["Deletes recordings on legal request"])
    # genesys-cloud: the divisions each role is granted in ('*' for all); the home division when absent.
    divisions: list[Name] | None = Field(default=None, min_length=1, max_length=100, examples=["['*']"])


class OrgDecl(_Decl):
    id: Name = Field(examples=["org-partner-a"])
    licenses: dict[str, bool] = Field(default_factory=dict, max_length=100, examples=["{analytics: true}"])
    bindings: list[BindingDecl] = Field(
        default_factory=list, max_length=1000, examples=["[{serviceAccount: Premium App, roles: [...]}]"]
    )


class Declarations(_Decl):
    homeOrg: Name = Field(examples=["org-primary"])
    serviceAccounts: list[ServiceAccountDecl] = Field(max_length=1000, examples=["[...]"])
    roles: list[RoleDecl] = Field(max_length=1000, examples=["[...]"])
    orgs: list[OrgDecl] = Field(max_length=10_000, examples=["[...]"])

    _accounts: dict[str, ServiceAccountDecl] = PrivateAttr(default_factory=dict)
    _roles: dict[str, RoleDecl] = PrivateAttr(default_factory=dict)
    _orgs: dict[str, OrgDecl] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        # The reconciler looks names up per org; with 10,000 orgs a scan each time is too slow.
        # setdefault keeps the first of any duplicates, matching what file order suggests.
        for account in self.serviceAccounts:
            self._accounts.setdefault(account.name, account)
        for role in self.roles:
            self._roles.setdefault(role.name, role)
        for org in self.orgs:
            self._orgs.setdefault(org.id, org)

    def with_orgs(self, keep: Callable[[str], bool]) -> Declarations:
        """These declarations with only the orgs whose id `keep` accepts; validated once, not again."""
        orgs = [org for org in self.orgs if keep(org.id)]
        return Declarations.model_construct(
            homeOrg=self.homeOrg, serviceAccounts=self.serviceAccounts, roles=self.roles, orgs=orgs
        )

    def account(self, name: str) -> ServiceAccountDecl | None:
        """The declared service account ``name``, or None."""
        return self._accounts.get(name)

    def role(self, name: str) -> RoleDecl | None:
        """The declared custom role ``name``, or None (also for built-in roles)."""
        return self._roles.get(name)

    def org(self, org_id: str) -> OrgDecl | None:
        """The declared org ``org_id``, or None."""
        return self._orgs.get(org_id)

    def bindings_in(self, org_id: str) -> list[BindingDecl]:
        """The bindings declared in ``org_id``; none for an undeclared org."""
        org = self.org(org_id)
        return list(org.bindings) if org else []

    def roles_bound_in(self, org_id: str) -> list[RoleDecl]:
        """The custom roles that must exist in ``org_id``: those its bindings name, in file order."""
        named = {role for binding in self.bindings_in(org_id) for role in binding.roles}
        return [role for role in self.roles if role.name in named]


def fleet_org_ids(decls: Declarations) -> list[str]:
    """Every org the declarations touch: homeOrg, then the declared orgs in file order."""
    return list(dict.fromkeys([decls.homeOrg, *(org.id for org in decls.orgs)]))


class DeclarationError(Exception):
    """Bad declarations; ``str()`` is one ``<file>:<line>: <problem>; <fix>`` line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems

    def __reduce__(self) -> tuple[type[DeclarationError], tuple[list[str]]]:
        # As itself from a process reading orgs (perorg.in_processes): the default pickles the joined text.
        return (DeclarationError, (self.problems,))


def load_declarations(path: str | Path, dialect: Dialect) -> Declarations:
    """Read and validate the declarations file at ``path``, for the dialect of the platform it will be applied to."""
    name = str(path)
    try:
        with open(path, "rb") as file:
            # Read one byte past the cap: enough to know, without reading a huge file whole.
            raw = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise DeclarationError(
            [f"{name}: no such file; create it, or set orgaccess:declarations to its path"]
        ) from None
    except OSError as exc:
        raise DeclarationError(
            [f"{name}: cannot be read ({exc.strerror}); check the path and its permissions"]
        ) from None
    return decode_declarations(raw, dialect, name)


def decode_declarations(raw: bytes, dialect: Dialect, name: str) -> Declarations:
    """Validate the bytes of a declarations file already read; ``name`` labels the messages."""
    _check_size(name, len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DeclarationError([f"{name}:{line}: the file is not valid UTF-8; save it as UTF-8"]) from None
    return parse_declarations(text, dialect, name)


def parse_declarations(text: str, dialect: Dialect, filename: str = "access.yaml") -> Declarations:
    """Validate declarations given as YAML ``text``; ``filename`` only labels the messages."""
    # Made once and kept whole (orgaccess/collector.py).
    with collector.paused():
        return _parsed(text, dialect, filename)


def _parsed(text: str, dialect: Dialect, filename: str) -> Declarations:
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        raise DeclarationError(
            [f"{filename}:{line}: a character is not valid Unicode (a lone surrogate); remove it"]
        ) from None
    _check_size(filename, size)
    try:
        source = load_yaml(text)
    except YamlSourceError as exc:
        where = f"{filename}:{exc.line}" if exc.line else filename
        raise DeclarationError([f"{where}: {exc.message}"]) from None
    if source.data is None:
        raise DeclarationError([f"{filename}:1: the file declares nothing; start it with `homeOrg: <org id>`"])
    data = source.data
    if not dialect.org_lock:
        data, refused = _without_org_lock(data, dialect)
        if refused:
            raise DeclarationError(_messages(filename, source, refused))
    try:
        decls = Declarations.model_validate(data)
    except ValidationError as exc:
        structural = ((tuple(e["loc"]), _explain(e, data)) for e in exc.errors())
        raise DeclarationError(_messages(filename, source, structural)) from None
    # Lazily cut: each reference problem may run a did-you-mean search over thousands of names.
    references = itertools.islice(_reference_problems(decls, source.line, dialect), MAX_PROBLEMS + 1)
    if messages := _messages(filename, source, references):
        raise DeclarationError(messages)
    return decls


def _check_size(filename: str, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise DeclarationError(
            [f"{filename}: larger than {MAX_FILE_BYTES // 2**20} MiB; split the fleet over several stacks"]
        )


def _messages(filename: str, source: Sourced, problems: Iterable[tuple[DataPath, str]]) -> list[str]:
    """``problems`` (path, message) as `<file>:<line>: <message>` lines, sorted by line."""
    found = sorted({(source.line(path), message) for path, message in problems})
    lines = [f"{filename}:{line}: {message}" for line, message in found[:MAX_PROBLEMS]]
    if len(found) > MAX_PROBLEMS:
        lines.append(f"{filename}: more problems not shown; fix the ones above first")
    return lines


# ---- structural problems: pydantic errors, explained in the file's terms


_NOUNS: dict[type[_Decl], tuple[str, str]] = {
    Declarations: ("top level", "homeOrg"),
    ServiceAccountDecl: ("service account", "name"),
    RoleDecl: ("role", "name"),
    OrgDecl: ("org", "id"),
    BindingDecl: ("binding", "serviceAccount"),
}


def _explain(error: Any, data: Any) -> str:
    """One pydantic error as `<what is wrong>; <the fix>`, naming keys and entries as in the file."""
    located = _Located(error, *_locate(tuple(error["loc"]), data))
    return _EXPLAINED.get(located.kind, _wrong_type)(located)


@dataclass(frozen=True)
class _Located:
    """A pydantic error, with the innermost entry it is in (`where`) and the path inside that entry."""

    error: Any
    model: type[_Decl]
    where: str
    rest: DataPath

    @property
    def kind(self) -> str:
        return str(self.error["type"])

    @property
    def value(self) -> Any:
        return self.error.get("input")

    @property
    def key(self) -> str | None:
        return next((part for part in self.rest if isinstance(part, str)), None)

    @property
    def field(self) -> FieldInfo | None:
        return self.model.model_fields.get(self.key) if self.key else None

    @property
    def subject(self) -> str:
        return _subject(self.rest) + self.where

    @property
    def example(self) -> str | None:
        field = self.field
        return f"`{self.key}: {field.examples[0]}`" if field and field.examples else None


def _missing(e: _Located) -> str:
    return f"missing required key {show(e.key)} in {e.where}; add it, like {e.example}"


def _unknown_key(e: _Located) -> str:
    return f"unknown key {show(e.key)} in {e.where}; " + suggest(str(e.key), list(e.model.model_fields), "allowed keys")


def _not_a_choice(e: _Located) -> str:
    choices = get_args(e.field.annotation) if e.field else ()
    return f"{e.subject} is {show(e.value)}; " + suggest(str(e.value), [str(c) for c in choices], "use one of")


def _unsafe(e: _Located) -> str:
    character = e.error["ctx"]["character"]
    return (
        f"{e.subject} holds {character}, a control or bidi character or an invisible one, that can hide or "
        "disguise text where it is printed; remove it"
    )


def _empty(e: _Located) -> str:
    return f"{e.subject} is empty; give it a value"


def _too_long(e: _Located) -> str:
    limit = e.error.get("ctx", {}).get("max_length")
    return f"{e.subject} is too long (at most {limit}); shorten it, or split the declarations"


def _wrong_type(e: _Located) -> str:
    """A value of the wrong type; any other error as pydantic says it."""
    expected = _EXPECTED.get(e.kind)
    if expected is None:
        return f"{e.subject}: {e.error['msg']}; see the access.yaml reference, docs/access-yaml.md"
    if e.kind == "list_type":
        item = get_args(e.field.annotation)[0] if e.field else str
        expected = f"a list of {_NOUNS[item][0]}s" if item in _NOUNS else "a list of strings"
    return f"{e.subject} must be {expected}, not {show(e.value)}; {_type_fix(e)}"


def _type_fix(e: _Located) -> str:
    """How to fix a value of the wrong type."""
    if e.kind == "string_type" and isinstance(e.value, bool | int | float):
        return "put the value in quotes"
    if not e.rest:
        return f"write it as a mapping, like `{_NOUNS[e.model][1]}: ...`"
    return f"write it like {e.example}" if e.example else "see the access.yaml reference, docs/access-yaml.md"


_EXPLAINED: dict[str, Callable[[_Located], str]] = {
    "missing": _missing,
    "extra_forbidden": _unknown_key,
    "literal_error": _not_a_choice,
    "unsafe_character": _unsafe,
    "string_too_short": _empty,
    "string_too_long": _too_long,
    "too_long": _too_long,
}


_EXPECTED = {
    "string_type": "a string",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _subject(rest: DataPath) -> str:
    """How to name the value at ``rest`` inside its entry: `'scopes' in `, `an entry of 'roles' in `."""
    if not rest:
        return ""
    keys = ".".join(part for part in rest if isinstance(part, str))
    return f"an entry of {show(keys)} in " if isinstance(rest[-1], int) else f"{show(keys)} in "


def _locate(loc: DataPath, data: Any) -> tuple[type[_Decl], str, DataPath]:
    """The innermost model entry on ``loc``, how to name it, and the rest of ``loc`` inside it."""
    model: type[_Decl] = Declarations
    names: list[str] = []
    while len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        field = model.model_fields.get(loc[0])
        item = get_args(field.annotation)[0] if field and get_origin(field.annotation) is list else None
        if not (isinstance(item, type) and issubclass(item, _Decl)):
            break
        data = _child(_child(data, loc[0]), loc[1])
        noun, key = _NOUNS[item]
        name = _child(data, key)
        names.append(f"{noun} {show(name)}" if isinstance(name, str) else f"{noun} #{loc[1] + 1}")
        model, loc = item, loc[2:]
    return model, " of ".join(reversed(names)) or "the top level", loc


def _child(data: Any, part: str | int) -> Any:
    if isinstance(data, dict) and isinstance(part, str):
        return data.get(part)
    if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
        return data[part]
    return None


def suggest(word: str, candidates: list[str], listing: str) -> str:
    """`did you mean 'x'?`, or else the candidates themselves after ``listing``."""
    close = difflib.get_close_matches(word, candidates, n=1)
    if close:
        return f"did you mean {show(close[0])}?"
    shown = ", ".join(map(show, sorted(candidates)[:10])) + (", ..." if len(candidates) > 10 else "")
    return f"{listing}: {shown}" if candidates else "declare it first"


# ---- reference problems: names that do not resolve, or resolve twice


def _reference_problems(
    decls: Declarations, line: Callable[[DataPath], int], dialect: Dialect
) -> Iterator[tuple[DataPath, str]]:
    """Every (path, message) problem with names in otherwise well-formed declarations."""
    yield from _duplicates("serviceAccounts", [a.name for a in decls.serviceAccounts], "service account", "name", line)
    yield from _duplicates("roles", [r.name for r in decls.roles], "role", "name", line)
    yield from _duplicates("orgs", [o.id for o in decls.orgs], "org", "id", line)
    if dialect.scopes:
        yield from _scope_problems(decls, dialect)
    yield from _role_problems(decls, dialect)
    for i, org in enumerate(decls.orgs):
        yield from _license_problems(org, i)
        yield from _binding_problems(decls, i, line)
        for j, binding in enumerate(org.bindings):
            yield from _division_problems(("orgs", i, "bindings", j, "divisions"), binding, dialect)


def _scope_problems(decls: Declarations, dialect: Dialect) -> Iterator[tuple[DataPath, str]]:
    for i, account in enumerate(decls.serviceAccounts):
        where = ("serviceAccounts", i, "scopes")
        yield from _known(where, account.scopes, f"service account {show(account.name)}", "scope", dialect)


def _role_problems(decls: Declarations, dialect: Dialect) -> Iterator[tuple[DataPath, str]]:
    for i, role in enumerate(decls.roles):
        if role.name.casefold() in BUILTIN_ROLES:
            yield (
                ("roles", i, "name"),
                f"role {show(role.name)} reuses the name of a built-in role; rename it "
                "(built-in roles admin and employee are bound without declaring them)",
            )
        where = ("roles", i, "permissions")
        yield from _known(where, role.permissions, f"role {show(role.name)}", "permission", dialect)


def _license_problems(org: OrgDecl, i: int) -> Iterator[tuple[DataPath, str]]:
    for feature in org.licenses:
        if feature not in LICENSE_FEATURES:
            yield (
                ("orgs", i, "licenses", feature),
                f"unknown license feature {show(feature)} in org {show(org.id)}; "
                + suggest(feature, sorted(LICENSE_FEATURES), "known features"),
            )


def _division_problems(path: DataPath, binding: BindingDecl, dialect: Dialect) -> Iterator[tuple[DataPath, str]]:
    if binding.divisions is None:
        return
    if not dialect.divisions:
        yield (
            path,
            f"divisions do not exist on {dialect.name} (it grants a role in the whole org); remove the line",
        )
        return
    for k, name in enumerate(binding.divisions):
        if name in binding.divisions[:k]:
            yield ((*path, k), f"division {show(name)} is listed twice in one binding; remove one")
    if ALL_DIVISIONS in binding.divisions and len(binding.divisions) > 1:
        yield (path, "'*' is every division already; list either '*' or division names")


def _binding_problems(decls: Declarations, i: int, line: Callable[[DataPath], int]) -> Iterator[tuple[DataPath, str]]:
    org = decls.orgs[i]
    first_binding: dict[str, int] = {}
    for j, binding in enumerate(org.bindings):
        path = ("orgs", i, "bindings", j)
        account = binding.serviceAccount
        if account in first_binding:
            first = line(("orgs", i, "bindings", first_binding[account]))
            yield (
                (*path, "serviceAccount"),
                f"{show(account)} is bound twice in org {show(org.id)} (first at line {first}); "
                "merge the roles into one binding",
            )
        first_binding.setdefault(account, j)
        if decls.account(account) is None:
            yield (
                (*path, "serviceAccount"),
                f"binding names service account {show(account)}, which is not declared; "
                + suggest(account, [a.name for a in decls.serviceAccounts], "declared accounts"),
            )
        for k, role in enumerate(binding.roles):
            if role in binding.roles[:k]:
                yield ((*path, "roles", k), f"role {show(role)} is listed twice in one binding; remove one")
            elif decls.role(role) is None and role not in BUILTIN_ROLES:
                yield (
                    (*path, "roles", k),
                    f"binding names role {show(role)}, which is not declared; "
                    + suggest(role, [r.name for r in decls.roles] + sorted(BUILTIN_ROLES), "roles"),
                )


def _without_org_lock(data: Any, dialect: Dialect) -> tuple[Any, list[tuple[DataPath, str]]]:
    """Where there is no org lock: `orgLock` lines refused, and every account's lock set to what a client there is."""
    accounts = data.get("serviceAccounts") if isinstance(data, dict) else None
    if not isinstance(accounts, list):
        return data, []
    refused: list[tuple[DataPath, str]] = []
    filled = []
    for i, account in enumerate(accounts):
        if isinstance(account, dict) and "orgLock" in account:
            refused.append(
                (
                    ("serviceAccounts", i, "orgLock"),
                    f"orgLock does not exist on {dialect.name} (a client acts in its own org only, and orgaccess "
                    f"makes one client per org that binds {show(account.get('name'))}); remove the line",
                )
            )
        filled.append({**account, "orgLock": "PRIMARY_ONLY"} if isinstance(account, dict) else account)
    return {**data, "serviceAccounts": filled}, refused


def _known(path: DataPath, names: list[str], owner: str, kind: str, dialect: Dialect) -> Iterator[tuple[DataPath, str]]:
    """Problems for permissions (scopes are permissions too) that are not the dialect's, or listed twice."""
    for k, name in enumerate(names):
        if name in names[:k]:
            yield ((*path, k), f"{owner} lists {kind} {show(name)} twice; remove one")
        elif problem := dialect.permission_problem(owner, kind, name):
            yield ((*path, k), problem)


def _duplicates(
    key: str, names: list[str], noun: str, name_key: str, line: Callable[[DataPath], int]
) -> Iterator[tuple[DataPath, str]]:
    first: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in first:
            yield (
                (key, i, name_key),
                f"{noun} {show(name)} is declared twice (first at line {line((key, first[name]))}); "
                "merge the two or rename one",
            )
        first.setdefault(name, i)
