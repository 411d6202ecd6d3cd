"""Settings on genesys-cloud: the platform chosen by stack config, one admin credential per org."""

from __future__ import annotations

import json
import re

import pytest

from orgaccess import settings
from orgaccess.connect import connect
from orgaccess.platform.dialect import Dialect
from orgaccess.platform.genesys.client import GenesysClient

CREDENTIALS = {
    "org-a": {"clientId": "admin-a", "clientSecret": "s3cret-a"},
    "org-b": {"clientId": "admin-b", "clientSecret": "s3cret-b"},
}


def lookup(**values: object) -> settings.Lookup:
    return lambda key: values.get(key)


def test_the_platform_is_seed_unless_stack_config_names_another(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORGACCESS_PLATFORM", raising=False)
    assert settings.platform_from(lookup()) is Dialect.SEED
    assert settings.platform_from(lookup(platform="genesys-cloud")) is Dialect.GENESYS_CLOUD


def test_an_unknown_platform_names_the_known_ones() -> None:
    with pytest.raises(settings.SettingsError, match="use one of: seed, genesys-cloud"):
        settings.platform_from(lookup(platform="genesys"))


@pytest.mark.parametrize("given", [CREDENTIALS, json.dumps(CREDENTIALS)])
def test_genesys_cloud_takes_one_admin_credential_per_org(given: object) -> None:
    resolved = settings.resolve(lookup(platform="genesys-cloud", orgCredentials=given))
    assert [(org, c.clientId) for org, c in resolved.org_credentials] == [("org-a", "admin-a"), ("org-b", "admin-b")]
    with connect(resolved) as client:
        assert isinstance(client, GenesysClient) and client.admin_client_id("org-b") == "admin-b"


def test_genesys_cloud_without_org_credentials_says_how_to_set_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORGACCESS_ORG_CREDENTIALS", raising=False)
    with pytest.raises(settings.MissingCredentials, match=re.escape("orgaccess:orgCredentials.<org id>.clientSecret")):
        settings.resolve(lookup(platform="genesys-cloud"))


def test_a_malformed_org_credential_names_the_org_and_never_the_secret() -> None:
    broken = {"org-a": {"clientId": "admin-a", "clientSecrett": "s3cret-a"}}
    with pytest.raises(settings.SettingsError) as refused:
        settings.resolve(lookup(platform="genesys-cloud", orgCredentials=broken))
    assert "orgCredentials.org-a" in str(refused.value) and "s3cret-a" not in str(refused.value)
