"""The platform in a storm (every call answered 5xx, 429 or cut off, through the emulator's faults):
the org's resource stops with one error that names the call and the org, and writes nothing after a
read that failed. The client's waits are on a fake clock, so a storm costs no real time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orgaccess.deploy.session import PROVIDER_ATTEMPTS
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.platform.dialect import Client
from orgaccess.platform.errors import PlatformError
from orgaccess.reconciler import reconcile
from orgaccess.reconciler.kinds.base import FAILED
from orgaccess.reconciler.snapshot import Fleet
from tests.reconciler.support import ORG_ACCESS, org_resource, writes

ORG = "org-partner-a"
STORMS: dict[str, dict[str, Any]] = {
    "5xx": {"errorRate": 1.0},
    # One call a minute per org, and the platform's clock never moves on for the client's waits.
    "429": {"rateLimitPerMinute": 1},
    "connections cut": {"dropRate": 1.0},
}
# Every call fails, so any write would come after a failed read.
TOTAL = ["5xx", "connections cut"]


@pytest.fixture
def storm(platform: EmulatorHandle, client: Client) -> Callable[[str], int]:
    """Starts the named storm once the client holds its token; the audit's length at its start."""

    def start(name: str) -> int:
        client.get_organization("org-primary")
        platform.set_faults(**STORMS[name])
        return platform.audit_count()

    return start


@pytest.mark.parametrize("name", list(STORMS))
def test_a_storm_stops_the_check_with_one_error_naming_the_call_and_the_org(
    name: str, storm: Callable[[str], int], fleet: Fleet
) -> None:
    storm(name)
    with pytest.raises(PlatformError, match=f"in org '{ORG}' on GET /api/v2/"):
        reconcile.check(fleet, ORG_ACCESS, org_resource(ORG))


@pytest.mark.parametrize("name", list(STORMS))
def test_a_storm_at_the_first_read_of_a_create_stops_it_before_any_write(
    name: str, storm: Callable[[str], int], fleet: Fleet, platform: EmulatorHandle
) -> None:
    since = storm(name)
    with pytest.raises(PlatformError, match=f"in org '{ORG}' on GET /api/v2/"):
        reconcile.create(fleet, ORG_ACCESS, org_resource(ORG))
    assert writes(platform.audit(since)) == []


@pytest.mark.parametrize("name", TOTAL)
def test_a_storm_after_the_check_fails_each_part_and_writes_nothing(
    name: str, storm: Callable[[str], int], fleet: Fleet, platform: EmulatorHandle
) -> None:
    props = org_resource(ORG)
    reconcile.check(fleet, ORG_ACCESS, props)
    since = storm(name)
    _, outs = reconcile.create(fleet, ORG_ACCESS, props)
    assert [line.split(": ", 1)[0] for line in outs[FAILED]] == [
        f"{ORG}, Role Recording Analyst",
        f"{ORG}, Role Screen Recording Admin",
        f"{ORG}, RoleBinding Premium App",
        f"{ORG}, LicenseFeature analytics",
    ]
    assert all(f"in org '{ORG}' on GET /api/v2/" in line for line in outs[FAILED])
    assert writes(platform.audit(since)) == []


@pytest.mark.parametrize("name", TOTAL)
def test_a_failing_call_is_given_up_after_a_provider_s_attempts(
    name: str, storm: Callable[[str], int], fleet: Fleet, platform: EmulatorHandle
) -> None:
    since = storm(name)
    with pytest.raises(PlatformError):
        reconcile.check(fleet, ORG_ACCESS, org_resource(ORG))
    assert len(platform.audit(since)) == PROVIDER_ATTEMPTS
