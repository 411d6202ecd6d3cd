"""An older genesys-cloud state, each org's client a resource of its own, folded into the orgs'
resources as `orgaccess upgrade` imports it: what each client kept, its secret encrypted, and no
resource left that names an old one.

tests/fleet/test_fleet_genesys_clients_upgrade.py runs the same upgrade on the real engine.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from orgaccess.engine.clients_upgrade import ORG_ACCESS, SECRET_SIG, SERVICE_ACCOUNT, UpgradeError, folded
from orgaccess.reconciler.kinds import org_access
from orgaccess.reconciler.kinds.base import OBJECTS, SECRETS, known_objects

PREFIX = "urn:pulumi:orgs-0-of-2::orgaccess::"
PROVIDER = "urn:pulumi:orgs-0-of-2::orgaccess::pulumi:providers:pulumi-python::default::0"


def _secret(value: str) -> dict[str, str]:
    return {SECRET_SIG[0]: SECRET_SIG[1], "plaintext": json.dumps(value)}


def _client(org: str, name: str, client_id: str, secret: str, *, adopted: bool) -> dict[str, Any]:
    inputs = {"__provider": "client-pickle", "homeOrg": org, "name": name, "grantType": "client_credentials"}
    return {
        "urn": f"{PREFIX}{SERVICE_ACCOUNT}::{org}/{name}",
        "type": SERVICE_ACCOUNT,
        "id": f"{org}/{name}",
        "provider": PROVIDER,
        "inputs": inputs,
        "outputs": {**inputs, "clientId": client_id, "secret": _secret(secret), "adopted": adopted},
    }


def _org(org: str, depends_on: list[str]) -> dict[str, Any]:
    declared = {"__provider": "org-pickle", **org_access.KIND.declared(org, {})}
    return {
        "urn": f"{PREFIX}{ORG_ACCESS}::{org}",
        "type": ORG_ACCESS,
        "id": org,
        "provider": PROVIDER,
        "inputs": declared,
        "outputs": {**declared, OBJECTS: json.dumps({"Role Analyst": {"roleId": "r-1"}}), "failed": []},
        "dependencies": depends_on,
        "propertyDependencies": {"spec": depends_on},
    }


MADE = _client("org-a", "App", "c-made", "s3cret", adopted=False)
ADOPTED = _client("org-a", "Other App", "c-adopted", "", adopted=True)
# org-b has a client but no resource of its own in the older state (it declares nothing else).
ALONE = _client("org-b", "App", "c-alone", "alone-s3cret", adopted=False)
STATE: dict[str, Any] = {
    "version": 3,
    "deployment": {
        "resources": [
            {"urn": PROVIDER, "type": "pulumi:providers:pulumi-python", "id": "0"},
            MADE,
            ADOPTED,
            ALONE,
            _org("org-a", [MADE["urn"], ADOPTED["urn"]]),
        ]
    },
}


def _holder(state: dict[str, Any], org: str) -> dict[str, Any]:
    (found,) = (r for r in state["deployment"]["resources"] if r["type"] == ORG_ACCESS and r["id"] == org)
    return dict(found)


def _known(holder: dict[str, Any]) -> dict[str, dict[str, Any]]:
    outputs = holder["outputs"]
    secrets = json.loads(outputs[SECRETS]["plaintext"]) if SECRETS in outputs else None
    return known_objects({OBJECTS: outputs[OBJECTS], SECRETS: secrets})


def test_each_client_is_counted_once() -> None:
    _, moved = folded(STATE)

    assert moved == 3


def test_an_orgs_resource_keeps_what_each_of_its_clients_kept_beside_its_other_objects() -> None:
    state, _ = folded(STATE)

    assert _known(_holder(state, "org-a")) == {
        "Role Analyst": {"roleId": "r-1"},
        "ServiceAccount App": {"clientId": "c-made", "adopted": False, "secret": "s3cret"},
        "ServiceAccount Other App": {"clientId": "c-adopted", "adopted": True},
    }


def test_a_secret_is_kept_only_in_the_secret_output() -> None:
    state, _ = folded(STATE)
    outputs = _holder(state, "org-a")["outputs"]

    assert outputs[SECRETS][SECRET_SIG[0]] == SECRET_SIG[1]
    assert "s3cret" not in outputs[OBJECTS]


def test_no_client_resource_is_left_and_no_resource_depends_on_one() -> None:
    state, _ = folded(STATE)
    resources = state["deployment"]["resources"]

    assert SERVICE_ACCOUNT not in {r["type"] for r in resources}
    assert _holder(state, "org-a")["dependencies"] == []
    assert _holder(state, "org-a")["propertyDependencies"] == {"spec": []}


def test_an_org_without_a_resource_gets_one_holding_its_client() -> None:
    state, _ = folded(STATE)
    made = _holder(state, "org-b")

    assert made["urn"] == f"{PREFIX}{ORG_ACCESS}::org-b"
    assert made["inputs"] == {"__provider": "org-pickle", **org_access.KIND.declared("org-b", {})}
    assert made["provider"] == PROVIDER
    assert _known(made) == {"ServiceAccount App": {"clientId": "c-alone", "adopted": False, "secret": "alone-s3cret"}}


def test_the_state_given_is_left_as_it_was() -> None:
    before = json.dumps(STATE, sort_keys=True)

    folded(STATE)

    assert json.dumps(STATE, sort_keys=True) == before


def test_a_state_without_client_resources_has_nothing_to_move() -> None:
    plain = {"version": 3, "deployment": {"resources": [_org("org-a", [])]}}

    state, moved = folded(plain)

    assert (state, moved) == (plain, 0)


def test_a_state_with_pending_operations_is_refused_naming_recover() -> None:
    pending = {**STATE, "deployment": {**STATE["deployment"], "pending_operations": [{"type": "updating"}]}}

    with pytest.raises(UpgradeError, match="orgaccess recover"):
        folded(pending)


def test_clients_with_no_org_resource_anywhere_are_refused_saying_what_to_run() -> None:
    alone = {"version": 3, "deployment": {"resources": [ALONE]}}

    with pytest.raises(UpgradeError, match="run `pulumi up` once"):
        folded(alone)
