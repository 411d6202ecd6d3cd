"""The platform URL: https anywhere but loopback, plain http only when asked for, certificates verified."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from orgaccess.dialects import connect, resolve
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.errors import TransportError
from orgaccess.platform.settings import Settings, SettingsError
from tests.loopback_http import AnyMethodHandler, JsonHandler, serving

CREDENTIALS = {"clientId": "orgaccess-admin", "clientSecret": "s3cret-admin"}


def settings(monkeypatch: pytest.MonkeyPatch, **config: str) -> Settings:
    for name in ("ORGACCESS_API_URL", "ORGACCESS_ALLOW_INSECURE_HTTP", "ORGACCESS_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    return resolve({**CREDENTIALS, **config}.get)


def test_plain_http_to_a_remote_host_is_refused_naming_the_key_and_the_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError) as refused:
        settings(monkeypatch, apiUrl="http://api.example.com")
    message = str(refused.value)
    assert "orgaccess:apiUrl" in message and "https" in message
    assert "orgaccess:allowInsecureHttp" in message and "ORGACCESS_ALLOW_INSECURE_HTTP" in message


@pytest.mark.parametrize("url", ["http://127.0.0.1:8790", "http://127.3.2.1", "http://[::1]:8790", "http://localhost"])
def test_plain_http_to_loopback_is_accepted(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    assert settings(monkeypatch, apiUrl=url).api_url == url


def test_https_to_a_remote_host_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings(monkeypatch, apiUrl="https://api.example.com/").api_url == "https://api.example.com"


def test_plain_http_to_a_remote_host_is_accepted_with_the_stack_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = settings(monkeypatch, apiUrl="http://10.1.2.3:8080", allowInsecureHttp="true")
    assert chosen.api_url == "http://10.1.2.3:8080"


def test_plain_http_to_a_remote_host_is_accepted_with_the_env_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORGACCESS_ALLOW_INSECURE_HTTP", "true")
    assert resolve(CREDENTIALS.get, api_url="http://platform.internal").api_url == "http://platform.internal"


def test_an_opt_in_that_is_not_a_boolean_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError, match="orgaccess:allowInsecureHttp must be true or false"):
        settings(monkeypatch, apiUrl="http://10.1.2.3", allowInsecureHttp="sure")


def test_a_cli_url_names_the_flag_in_its_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORGACCESS_ALLOW_INSECURE_HTTP", raising=False)
    with pytest.raises(SettingsError, match="--api-url"):
        resolve(CREDENTIALS.get, api_url="http://api.example.com")


def test_credentials_in_the_url_are_refused_without_showing_them(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError) as refused:
        settings(monkeypatch, apiUrl="https://admin:hunter2@api.example.com")
    assert "hunter2" not in str(refused.value) and "orgaccess:clientSecret" in str(refused.value)


def test_a_missing_ca_bundle_is_refused_naming_the_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"orgaccess:caBundle .*no-such\.pem"):
        settings(monkeypatch, apiUrl="https://api.example.com", caBundle=str(tmp_path / "no-such.pem"))


def test_a_ca_bundle_that_is_not_pem_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.pem"
    bundle.write_text("not a certificate\n")
    with pytest.raises(SettingsError, match="orgaccess:caBundle"):
        settings(monkeypatch, apiUrl="https://api.example.com", caBundle=str(bundle))


# A real TLS server on loopback, its certificate signed by a CA of the test's own.


class _Organization(JsonHandler):
    def do_GET(self) -> None:
        self.answer(200, {"id": "org-primary", "name": "Primary", "linkedOrganizations": [], "version": 1})

    def do_POST(self) -> None:
        self.body()
        self.answer(200, {"access_token": "loopback-test-token-0123456789", "token_type": "bearer", "expires_in": 3600})


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_platform(ca: trustme.CA) -> Iterator[str]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with serving(_Organization, tls=context) as url:
        yield url


@pytest.fixture
def ca_pem(ca: trustme.CA, tmp_path: Path) -> Path:
    """The test CA's certificate as a PEM file."""
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return bundle


def client_of(chosen: Settings) -> PlatformClient:
    """The platform client of `chosen`, giving up at the first failure."""
    return PlatformClient(chosen.api_url, chosen.client_id, chosen.client_secret, max_attempts=1)


def assert_refused_as_unknown(monkeypatch: pytest.MonkeyPatch, tls_platform: str) -> None:
    client = client_of(settings(monkeypatch, apiUrl=tls_platform))
    with client, pytest.raises(TransportError, match="CERTIFICATE_VERIFY_FAILED"):
        client.get_organization("org-primary")


def test_a_certificate_from_an_unknown_ca_is_refused(monkeypatch: pytest.MonkeyPatch, tls_platform: str) -> None:
    assert_refused_as_unknown(monkeypatch, tls_platform)


def test_the_ca_bundle_option_trusts_the_platforms_own_ca(
    monkeypatch: pytest.MonkeyPatch, tls_platform: str, ca_pem: Path
) -> None:
    monkeypatch.setenv("ORGACCESS_CA_BUNDLE", str(ca_pem))
    chosen = resolve({**CREDENTIALS, "apiUrl": tls_platform}.get)
    client = PlatformClient(
        chosen.api_url, chosen.client_id, chosen.client_secret, ca_bundle=chosen.ca_bundle, max_attempts=1
    )
    with client:
        assert client.get_organization("org-primary").id == "org-primary"


# genesys-cloud: the same rules for every org's admin client, and for the login host tokens come from.

ORG_CREDENTIALS = '{"org-primary": {"clientId": "admin-primary", "clientSecret": "s3cret-primary"}}'


def genesys(monkeypatch: pytest.MonkeyPatch, **config: str) -> Settings:
    return settings(monkeypatch, platform="genesys-cloud", orgCredentials=ORG_CREDENTIALS, **config)


def test_plain_http_to_a_remote_genesys_cloud_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError, match=r"orgaccess:apiUrl .*plain http"):
        genesys(monkeypatch, apiUrl="http://api.mypurecloud.com")


def test_every_genesys_cloud_org_client_trusts_the_ca_bundle_and_only_it(
    monkeypatch: pytest.MonkeyPatch, tls_platform: str, ca_pem: Path
) -> None:
    untrusting = connect(genesys(monkeypatch, apiUrl=tls_platform), max_attempts=1)
    with untrusting, pytest.raises(TransportError, match="CERTIFICATE_VERIFY_FAILED"):
        untrusting.get_organization("org-primary")
    with connect(genesys(monkeypatch, apiUrl=tls_platform, caBundle=str(ca_pem)), max_attempts=1) as trusting:
        assert trusting.get_organization("org-primary").id == "org-primary"


# What orgaccess takes from the environment: a proxy for a remote platform, never for loopback, and
# no trust store (only the system's CAs or caBundle).


class _Proxy(AnyMethodHandler):
    """A forward proxy that forwards nothing: it notes each request it gets and refuses it."""

    seen: list[str]

    def handle_request(self) -> None:
        self.seen.append(f"{self.command} {self.path} {self.headers.get('Authorization', '')}")
        self.answer(502, {"message": "a test proxy forwards nothing"})


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    seen: list[str] = []
    with serving(type("Proxy", (_Proxy,), {"seen": seen})) as url:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.setenv(name, url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        yield seen


def test_a_proxy_in_the_environment_receives_no_loopback_traffic(
    monkeypatch: pytest.MonkeyPatch, proxy: list[str]
) -> None:
    with serving(_Organization) as url:
        chosen = settings(monkeypatch, apiUrl=url)
        with client_of(chosen) as client:
            assert client.get_organization("org-primary").id == "org-primary"
    assert proxy == []


def test_a_remote_platform_is_reached_through_the_environments_proxy(
    monkeypatch: pytest.MonkeyPatch, proxy: list[str]
) -> None:
    chosen = settings(monkeypatch, apiUrl="https://platform.example")
    client = client_of(chosen)
    with client, pytest.raises(TransportError):
        client.get_organization("org-primary")
    assert proxy == ["CONNECT platform.example:443 "]  # a tunnel: the proxy never sees the credential


class _LoginProxy(_Proxy):
    """Notes the login each request brings the proxy."""

    def handle_request(self) -> None:
        self.seen.append(self.headers.get("Proxy-Authorization", ""))
        self.answer(502, {"message": "a test proxy forwards nothing"})


def test_the_proxy_urls_login_is_given_to_the_proxy_in_its_tunnel_request(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    with serving(type("Proxy", (_LoginProxy,), {"seen": seen})) as url:
        monkeypatch.setenv("HTTPS_PROXY", url.replace("http://", "http://ops:p%40ss@"))
        monkeypatch.delenv("https_proxy", raising=False)
        client = client_of(settings(monkeypatch, apiUrl="https://platform.example"))
        with client, pytest.raises(TransportError):
            client.get_organization("org-primary")
    assert seen == ["Basic b3BzOnBAc3M="]  # ops:p@ss


def test_a_proxy_that_is_not_plain_http_is_refused_naming_the_variable_and_not_its_login(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("https_proxy", "all_proxy", "ALL_PROXY", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "https://ops:proxy-s3cret@proxy.example:3128")
    with pytest.raises(SettingsError, match=r"\(https://proxy\.example:3128\).*HTTPS_PROXY") as refused:
        client_of(settings(monkeypatch, apiUrl="https://platform.example"))
    assert "proxy-s3cret" not in str(refused.value)


def test_ssl_cert_file_in_the_environment_is_not_trusted(
    monkeypatch: pytest.MonkeyPatch, tls_platform: str, ca_pem: Path
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_pem))
    assert_refused_as_unknown(monkeypatch, tls_platform)
