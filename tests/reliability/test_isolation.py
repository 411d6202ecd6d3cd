"""Every call names its org, and grants land only where they are declared.

That a declaration naming an org the credentials cannot address fails before any write is
specified end to end in tests/e2e/test_bad_declarations.py.
"""

from __future__ import annotations

import pytest

from tests.reliability.support import Converged, api_calls, declared_grants, grant_writes

pytestmark = pytest.mark.e2e


def test_preview_and_up_call_the_api_with_the_org_header_only(converged: Converged) -> None:
    calls = api_calls(converged.audit)
    assert calls and [e for e in calls if e.reason == "C6.header.missing"] == []


def test_every_call_addresses_a_declared_org(converged: Converged) -> None:
    declared = {org.id for org in converged.fleet.declarations.orgs}
    assert {e.org for e in api_calls(converged.audit)} <= declared


def test_every_grant_lands_in_an_org_that_declares_it_for_that_account(converged: Converged) -> None:
    writes = grant_writes(converged.audit)
    with converged.fleet.admin() as admin:
        allowed = declared_grants(admin, converged.fleet.declarations)
    assert writes and set(writes) <= allowed, set(writes) - allowed
