"""Settings on genesys-cloud: the platform chosen by stack config, one admin credential per org."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from orgaccess import dialects
from orgaccess.platform import settings
from orgaccess.platform.genesys.client import GenesysClient

CREDENTIALS = {
    "org-a": {"clientId": "admin-a", "clientSecret": "s3cret-a"},
    "org-b": {"clientId": "admin-b", "clientSecret": "s3cret-b"},
}


def lookup(**values: object) -> settings.Lookup:
    return lambda key: values.get(key)


def test_the_platform_is_seed_unless_stack_config_names_another(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORGACCESS_PLATFORM", raising=False)
    assert dialects.chosen(lookup()) is dialects.SEED
    assert dialects.chosen(lookup(platform="genesys-cloud")) is dialects.GENESYS_CLOUD


def test_an_unknown_platform_names_the_known_ones() -> None:
    with pytest.raises(settings.SettingsError, match="use one of: seed, genesys-cloud"):
        dialects.chosen(lookup(platform="genesys"))


@pytest.mark.parametrize("given", [CREDENTIALS, json.dumps(CREDENTIALS)])
def test_genesys_cloud_takes_one_admin_credential_per_org(given: object) -> None:
    resolved = dialects.resolve(lookup(platform="genesys-cloud", orgCredentials=given))
    assert [(org, c.clientId) for org, c in resolved.org_credentials] == [("org-a", "admin-a"), ("org-b", "admin-b")]
    with dialects.connect(resolved) as client:
        assert isinstance(client, GenesysClient) and client.own_client_id("org-b") == "admin-b"


def test_genesys_cloud_without_org_credentials_says_how_to_set_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORGACCESS_ORG_CREDENTIALS", raising=False)
    with pytest.raises(settings.MissingCredentials, match=re.escape("pulumi config set orgaccess:orgCredentials PATH")):
        dialects.resolve(lookup(platform="genesys-cloud"))


def test_a_malformed_org_credential_names_the_org_and_never_the_secret() -> None:
    broken = {"org-a": {"clientId": "admin-a", "clientSecrett": "s3cret-a"}}
    with pytest.raises(settings.SettingsError) as refused:
        dialects.resolve(lookup(platform="genesys-cloud", orgCredentials=broken))
    assert "orgCredentials.org-a" in str(refused.value) and "s3cret-a" not in str(refused.value)


def _credentials_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "credentials.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize("source", ["config", "env"])
def test_org_credentials_come_from_the_file_a_path_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    path = _credentials_file(tmp_path, json.dumps(CREDENTIALS))
    monkeypatch.setenv("ORGACCESS_ORG_CREDENTIALS", str(path) if source == "env" else "")
    given = lookup(platform="genesys-cloud", orgCredentials=str(path) if source == "config" else None)
    resolved = dialects.resolve(given)
    assert [org for org, _ in resolved.org_credentials] == ["org-a", "org-b"]
    assert resolved.org_credentials_file == str(path)


def test_a_relative_credentials_path_is_kept_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _credentials_file(tmp_path, json.dumps(CREDENTIALS))
    monkeypatch.chdir(tmp_path)
    resolved = dialects.resolve(lookup(platform="genesys-cloud", orgCredentials="credentials.json"))
    assert resolved.org_credentials_file == str(tmp_path / "credentials.json")


def test_inline_credentials_name_no_file() -> None:
    resolved = dialects.resolve(lookup(platform="genesys-cloud", orgCredentials=json.dumps(CREDENTIALS)))
    assert resolved.org_credentials_file is None


def test_five_thousand_credentials_load_from_one_file(tmp_path: Path) -> None:
    many = {f"org-{i:04d}": {"clientId": f"admin-{i}", "clientSecret": f"s3cret-{i}"} for i in range(5000)}
    path = _credentials_file(tmp_path, json.dumps(many))
    resolved = dialects.resolve(lookup(platform="genesys-cloud", orgCredentials=str(path)))
    assert len(resolved.org_credentials) == 5000


def test_a_missing_credentials_file_is_named_with_what_to_put_in_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    with pytest.raises(settings.SettingsError) as refused:
        dialects.resolve(lookup(platform="genesys-cloud", orgCredentials=str(missing)))
    assert f"orgaccess:orgCredentials names the file '{missing}', which does not exist" in str(refused.value)
    assert '"clientSecret"' in str(refused.value)


def test_a_credentials_file_that_is_not_json_names_its_line_and_never_its_content(tmp_path: Path) -> None:
    path = _credentials_file(tmp_path, '{\n "org-a": {"clientId": "admin-a",\n "clientSecret": s3cret-a}}')
    with pytest.raises(settings.SettingsError) as refused:
        dialects.resolve(lookup(platform="genesys-cloud", orgCredentials=str(path)))
    assert str(refused.value).startswith(f"{path}:3: not valid JSON")
    assert "s3cret" not in str(refused.value)


def test_a_malformed_credential_in_a_file_names_the_org_and_never_the_secret(tmp_path: Path) -> None:
    path = _credentials_file(tmp_path, json.dumps({"org-a": {"clientId": "admin-a"}}))
    with pytest.raises(settings.SettingsError) as refused:
        dialects.resolve(lookup(platform="genesys-cloud", orgCredentials=str(path)))
    assert "orgCredentials.org-a" in str(refused.value) and "clientSecret" in str(refused.value)
