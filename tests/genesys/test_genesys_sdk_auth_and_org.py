"""The official Genesys Cloud SDK logs in to the genesys-cloud emulator and reads its org."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from PureCloudPlatformClientV2 import ApiClient, AuthorizationApi, LicenseApi, OrganizationApi, RecordingApi
from PureCloudPlatformClientV2.rest import ApiException

from orgaccess.emulator.harness import EmulatorHandle
from tests.genesys.sdk_shape import assert_parsed, error_body


def test_a_client_credentials_token_acts_in_the_clients_own_org(admin_a: ApiClient) -> None:
    org = assert_parsed(admin_a, OrganizationApi(admin_a).get_organizations_me())
    assert (org.id, org.name) == ("org-partner-a", "Partner A")


def test_the_seed_org_header_does_not_move_a_token_to_another_org(login: Callable[[str, str], ApiClient]) -> None:
    client = login("orgaccess-admin-a", "s3cret-admin-a")
    client.set_default_header("X-GCC-Organization-Id", "org-primary")
    assert OrganizationApi(client).get_organizations_me().id == "org-partner-a"


def test_an_organization_id_in_the_query_does_not_move_a_token_to_another_org(
    login: Callable[[str, str], ApiClient], emulator: EmulatorHandle
) -> None:
    # The forum thread's suggestion; on Genesys Cloud a token acts in its own org, whatever it names.
    app = login("premium-app-a", "s3cret-app-a")
    answer = httpx.get(
        f"{emulator.url}/api/v2/recordings/screensessions/details",
        params={"organizationId": "org-primary"},
        headers={"Authorization": f"Bearer {app.access_token}"},
    )
    assert (answer.status_code, emulator.audit()[-1].org) == (403, "org-partner-a")


def test_wrong_credentials_get_no_token(login: Callable[[str, str], ApiClient]) -> None:
    with pytest.raises(ApiException) as refused:
        login("orgaccess-admin-a", "not-the-secret")
    assert refused.value.status == 401


def test_the_home_division_is_the_orgs_one_division(admin_a: ApiClient) -> None:
    division = assert_parsed(admin_a, AuthorizationApi(admin_a).get_authorization_divisions_home())
    assert (division.name, division.home_division) == ("Home", True)


def test_a_license_toggle_reads_and_switches(admin_a: ApiClient) -> None:
    licenses = LicenseApi(admin_a)
    before = assert_parsed(admin_a, licenses.get_license_toggle("screen_recording"))
    after = assert_parsed(admin_a, licenses.post_license_toggle("screen_recording"))
    assert (before.feature_name, before.enabled, after.enabled) == ("screen_recording", False, True)
    assert licenses.get_license_toggle("screen_recording").enabled is True


def test_a_contract_managed_toggle_is_409(login: Callable[[str, str], ApiClient]) -> None:
    admin_d = login("orgaccess-admin-d", "s3cret-admin-d")
    with pytest.raises(ApiException) as refused:
        LicenseApi(admin_d).post_license_toggle("analytics")
    assert refused.value.status == 409
    assert error_body(admin_d, refused.value.body).code == "license.contract.required"


def test_an_unknown_toggle_is_404_in_genesys_error_shape(admin_a: ApiClient) -> None:
    with pytest.raises(ApiException) as refused:
        LicenseApi(admin_a).get_license_toggle("teleportation")
    body = error_body(admin_a, refused.value.body)
    assert (refused.value.status, body.status, body.code) == (404, 404, "not.found")
    assert body.context_id and body.message_params == {} and body.details == [] and body.errors == []


def test_the_apps_call_answers_in_the_org_where_nothing_is_broken(login: Callable[[str, str], ApiClient]) -> None:
    app = login("premium-app-primary", "s3cret-app-primary")
    sessions = assert_parsed(app, RecordingApi(app).get_recordings_screensessions_details())
    assert sessions.count == 5


@pytest.mark.parametrize(
    ("org", "reason"),
    [("a", "C3.permission.missing"), ("b", "C3.permission.missing"), ("c", "C4.license.disabled")],
)
def test_the_apps_call_is_403_with_the_orgs_cause(
    login: Callable[[str, str], ApiClient], emulator: EmulatorHandle, org: str, reason: str
) -> None:
    app = login(f"premium-app-{org}", f"s3cret-app-{org}")
    with pytest.raises(ApiException) as refused:
        RecordingApi(app).get_recordings_screensessions_details()
    assert refused.value.status == 403
    assert error_body(app, refused.value.body).code == "forbidden"
    assert emulator.audit()[-1].reason == reason


def test_the_sdk_waits_out_a_429_for_its_retry_after_and_then_succeeds(
    admin_a: ApiClient, emulator: EmulatorHandle
) -> None:
    # 60 a minute: the bucket holds 60 calls, then one more a second.
    emulator.set_faults(rateLimitPerMinute=60)
    since = emulator.audit_count()
    organizations = OrganizationApi(admin_a)
    for _ in range(62):
        assert organizations.get_organizations_me().id == "org-partner-a"
    limited = [entry for entry in emulator.audit(since) if entry.status == 429]
    assert limited and all(entry.retryAfter == 1 for entry in limited)


def test_a_429_carries_retry_after_and_genesys_code(admin_a: ApiClient, emulator: EmulatorHandle) -> None:
    emulator.set_faults(rateLimitPerMinute=1)
    without_retries(admin_a)
    organizations = OrganizationApi(admin_a)
    organizations.get_organizations_me()
    with pytest.raises(ApiException) as limited:
        organizations.get_organizations_me()
    assert limited.value.status == 429
    assert int(limited.value.headers["Retry-After"]) >= 1
    assert error_body(admin_a, limited.value.body).code == "too.many.requests.retry.after"


def without_retries(client: ApiClient) -> None:
    """The SDK's urllib3 pool waits out a 429 by itself; this one hands it over instead."""
    client.get_http_client().rest_client.pool_manager.connection_pool_kw["retries"] = False
