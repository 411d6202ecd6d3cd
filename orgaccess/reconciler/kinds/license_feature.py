"""License features per org: on or off as declared; contract-managed ones are reported, never "fixed"."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypedDict

from orgaccess.declarations.access_yaml import Declarations, OrgDecl
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.errors import LicenseContractRequired
from orgaccess.platform.models import LicenseFeature
from orgaccess.reconciler.kinds.base import (
    Change,
    ContractRequired,
    Desired,
    Exporter,
    Exporting,
    FlowMap,
    Kind,
    KindError,
    Observed,
    Props,
)
from orgaccess.reconciler.snapshot import Fleet
from orgaccess.vocabulary import LICENSE_FEATURES


class LicenseProps(TypedDict):
    """One license feature of one org, on or off."""

    org: str
    feature: str
    enabled: bool


def declared(org: str, feature: str, enabled: bool) -> LicenseProps:
    return {"org": org, "feature": feature, "enabled": enabled}


def features(fleet: Fleet, org: str, *, fresh: bool = False) -> Mapping[str, LicenseFeature]:
    """The license features `org` offers, by name (on a platform that reads them one by one, each
    is read when first looked up)."""
    return fleet.part(("licenses", org), lambda: fleet.client.license_features(org), fresh=fresh)


def forget_features(fleet: Fleet, org: str) -> None:
    fleet.forget(("licenses", org))


def read(fleet: Fleet, _dialect: Dialect, _decls: Declarations, org: OrgDecl) -> None:
    live = features(fleet, org.id)
    for name in org.licenses:
        live.get(name)


def plan(decls: Declarations, _dialect: Dialect) -> Iterator[Desired]:
    for org in decls.orgs:
        for feature, on in org.licenses.items():
            yield KIND.desired(declared(org.id, feature, on))


def review(change: Change) -> str | None:
    before, after = change.before.get("enabled"), change.after.get("enabled")
    return None if before == after else f"License {change.props['feature']}: {_onoff(before)} → {_onoff(after)}"


def _onoff(value: Any) -> str:
    return {True: "on", False: "off"}.get(value, "unmanaged")


def contract_reason(org: str, feature: str) -> str:
    return (
        f"license feature '{feature}' in org '{org}' is contract-managed (selfService: false); "
        "changing it needs a contract change with the platform vendor, not an API call"
    )


def _live(fleet: Fleet, props: Props, *, fresh: bool = False) -> LicenseFeature:
    live = features(fleet, props["org"], fresh=fresh).get(props["feature"])
    if live is None:
        offered = ", ".join(sorted(features(fleet, props["org"]))) or "none"
        raise KindError(f"org '{props['org']}' offers no license feature '{props['feature']}' (it offers: {offered})")
    return live


def observe(fleet: Fleet, props: Props) -> Observed:
    live = _live(fleet, props)
    # Kept short: the engine cuts long strings in a preview.
    unfixable = {} if live.selfService else {"enabled": "contract-managed, needs a contract change"}
    return Observed({"enabled": live.enabled}, facts={"selfService": live.selfService}, unfixable=unfixable)


def converge(fleet: Fleet, props: Props, prior: Props) -> dict[str, Any]:
    live = _live(fleet, props, fresh=True)
    if live.enabled != props["enabled"]:
        if not live.selfService:
            raise ContractRequired(contract_reason(props["org"], props["feature"]))
        try:
            live = fleet.client.set_license_feature(props["org"], props["feature"], props["enabled"])
        except LicenseContractRequired:
            raise ContractRequired(contract_reason(props["org"], props["feature"])) from None
        forget_features(fleet, props["org"])
    return {**props, "selfService": live.selfService, "adopted": True}


def delete(_fleet: Fleet, _props: Props) -> None:
    """A license belongs to the org's contract: orgaccess stops managing it and leaves it as it is."""


def exported(exporting: Exporting, org: str) -> dict[str, Any]:
    """Every feature of `org` that access.yaml can declare, at its live value (contract-managed ones too)."""
    live = {name: f.enabled for name, f in features(exporting.fleet, org).items() if name in LICENSE_FEATURES}
    return {"licenses": FlowMap(sorted(live.items()))} if live else {}


KIND = Kind(
    name="LicenseFeature",
    fields=("enabled",),
    identity=("org", "feature"),
    observe=observe,
    converge=converge,
    delete=delete,
    plan=plan,
    review=review,
    column="license",
    read=read,
    export=Exporter(org=exported),
)
