"""A drifted 10-org fleet on genesys-cloud converges in one `up`, and the second preview is clean."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orgaccess.emulator.api import Api
from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.engine.automation import Stack
from tests.e2e.e2e_support import drift_by_resource
from tests.e2e.genesys_support import app_status, genesys_stack

pytestmark = pytest.mark.e2e

ORGS = [f"org-{n:02d}" for n in range(10)]
ANALYST = {"name": "Recording Analyst", "permissions": ["recording:view"]}


def drifted_org(n: int, org: str) -> dict[str, Any]:
    """Org n, broken one of five ways: healthy, no grant, a role without the permission, analytics
    off, or no app client at all (orgaccess must create it, with its own secret)."""
    way = n % 5
    roles = [] if way == 1 else [{**ANALYST, "permissions": ["analytics:read"]} if way == 2 else ANALYST]
    clients = [{"id": f"admin-{n}", "secret": f"s3cret-admin-{n}", "name": "orgaccess admin"}]
    grants = [{"subject": f"admin-{n}", "role": "admin"}]
    if way != 4:
        clients.append({"id": f"app-{n}", "secret": f"s3cret-app-{n}", "name": "Premium App"})
        if way != 1:
            grants.append({"subject": f"app-{n}", "role": "Recording Analyst"})
    return {
        "id": org,
        "name": f"Org {n}",
        "licenses": {"analytics": {"enabled": way != 3}},
        "roles": roles,
        "clients": clients,
        "grants": grants,
        "screenRecordings": 2,
    }


DECLARATIONS = "\n".join(
    [
        f"homeOrg: {ORGS[0]}",
        "serviceAccounts:",
        "  - {name: Premium App, grantType: client_credentials, scopes: []}",
        "roles:",
        "  - {name: Recording Analyst, permissions: [recording:screenRecording:view]}",
        "orgs:",
        *(
            f"  - {{id: {org}, licenses: {{analytics: true}}, "
            "bindings: [{serviceAccount: Premium App, roles: [Recording Analyst]}]}"
            for org in ORGS
        ),
        "",
    ]
)


@pytest.fixture(scope="module")
def platform() -> Iterator[EmulatorHandle]:
    scenario = {"organizations": [drifted_org(n, org) for n, org in enumerate(ORGS)]}
    with running_emulator(scenario, dialect=Api.GENESYS_CLOUD) as handle:
        yield handle


@pytest.fixture(scope="module")
def stack(platform: EmulatorHandle, tmp_path_factory: pytest.TempPathFactory) -> Stack:
    state = tmp_path_factory.mktemp("state")
    declarations = state / "access.yaml"
    declarations.write_text(DECLARATIONS)
    admins = {org: (f"admin-{n}", f"s3cret-admin-{n}") for n, org in enumerate(ORGS)}
    return genesys_stack(state, platform.url, admins, declarations)


def test_the_preview_of_the_drifted_fleet_shows_every_broken_org(stack: Stack) -> None:
    result = stack.preview()
    assert result.returncode == 0, result.output
    drifted = {resource.split("::")[1].split("/")[0] for resource in drift_by_resource(result)}
    assert drifted == {org for n, org in enumerate(ORGS) if n % 5}


@pytest.fixture(scope="module")
def up_reads(stack: Stack, platform: EmulatorHandle) -> Counter[tuple[str | None, str]]:
    """The fleet's first `up`, once: its reads, by (org, path)."""
    since = platform.audit_count()
    assert stack.up().check().returncode == 0
    return Counter((e.org, e.path) for e in platform.audit(since) if e.method == "GET")


def test_one_up_converges_the_fleet_and_the_second_preview_is_clean(
    stack: Stack, up_reads: Counter[tuple[str | None, str]]
) -> None:
    result = stack.preview(expect_no_changes=True)
    assert result.returncode == 0, result.output


def test_the_up_lists_an_orgs_clients_again_only_where_it_writes(
    up_reads: Counter[tuple[str | None, str]],
) -> None:
    # The check's listing, which names each client's grants, serves an org the run writes nothing in.
    # A converge that writes reads the grants afresh: the listing once more. A missing client, made in the
    # same converge as the org's bindings, adds one listing: the bindings read it again after the create.
    listed = {org: up_reads[(org, "/api/v2/oauth/clients")] for org in ORGS}
    assert listed == {org: {0: 1, 4: 3}.get(n % 5, 2) for n, org in enumerate(ORGS)}


def test_the_up_reads_no_subject_and_lists_an_orgs_divisions_once(
    up_reads: Counter[tuple[str | None, str]],
) -> None:
    # Grants come with the client listing, by ids; the org's divisions name the one they are in.
    assert not [path for _, path in up_reads if path.startswith("/api/v2/authorization/subjects/")]
    assert {org: up_reads[(org, "/api/v2/authorization/divisions")] for org in ORGS} == dict.fromkeys(ORGS, 1)


def test_every_orgs_app_client_then_gets_200_created_ones_with_their_secret_output(
    stack: Stack, platform: EmulatorHandle, tmp_path: Path
) -> None:
    clients = stack.outputs(show_secrets=True)["serviceAccounts"]["Premium App"]
    statuses = {}
    for n, org in enumerate(ORGS):
        created = n % 5 == 4
        secret = clients[org]["secret"] if created else f"s3cret-app-{n}"
        statuses[org] = app_status(platform.url, org, clients[org]["clientId"], secret)
    assert statuses == dict.fromkeys(ORGS, 200)
