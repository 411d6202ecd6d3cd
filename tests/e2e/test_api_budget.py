"""A preview reads each org once: API calls per org stay within 3 + the number of service accounts."""

from __future__ import annotations

from collections import Counter

import pytest

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import Stack
from orgaccess.platform.models import AuditEntry

pytestmark = pytest.mark.e2e

ACCOUNTS = 1  # access.yaml declares one service account
BUDGET = 3 + ACCOUNTS


@pytest.fixture(scope="module")
def preview_calls(stack: Stack, platform: EmulatorHandle) -> list[AuditEntry]:
    """The API calls of one preview of the converged stack: every test here reads the same preview."""
    stack.up()
    before = platform.audit_count()
    stack.preview().check()
    return [e for e in platform.audit(since=before) if e.path.startswith("/api/")]


@pytest.fixture(scope="module")
def calls_per_org(preview_calls: list[AuditEntry]) -> Counter[str]:
    return Counter(e.org for e in preview_calls if e.org)


def test_every_partner_org_is_read_within_budget(calls_per_org: Counter[str]) -> None:
    partners = {org: n for org, n in calls_per_org.items() if org != "org-primary"}
    assert len(partners) == 4
    assert max(partners.values()) <= BUDGET, partners


def test_the_home_org_pays_one_more_read_for_the_accounts_and_one_for_its_links(calls_per_org: Counter[str]) -> None:
    assert calls_per_org["org-primary"] <= BUDGET + 2, calls_per_org


def test_the_fleet_average_is_within_budget(calls_per_org: Counter[str]) -> None:
    assert sum(calls_per_org.values()) / len(calls_per_org) <= BUDGET, calls_per_org


def test_every_call_names_its_target_org(preview_calls: list[AuditEntry]) -> None:
    assert preview_calls and all(e.reason != "C6.header.missing" for e in preview_calls)
