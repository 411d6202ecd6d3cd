"""The redactor masks a known secret in whatever bytes surround it once base64-encoded, and credentials by shape."""

from __future__ import annotations

import base64

import pytest

from orgaccess.platform._redact import Redactor, _pattern

SECRET = "s3cret-admin-value"


@pytest.mark.parametrize("prefix", ["", "a", "ab", "orgaccess-admin:", "user:"])
def test_a_secret_inside_a_base64_blob_is_masked_at_any_alignment(prefix: str) -> None:
    redact = Redactor()
    redact.pin(SECRET)
    blob = base64.b64encode(f"{prefix}{SECRET};trailing".encode()).decode()
    assert redact(f"header: Custom {blob} end") == "header: Custom *** end"


def test_credentials_the_process_never_saw_are_masked_by_their_shape() -> None:
    text = "Authorization: Bearer abc.def-ghi and https://bob:pw@h/p?client_secret=x1&page=2"
    assert Redactor()(text) == "Authorization: Bearer *** and https://bob:***@h/p?client_secret=***&page=2"


def test_ordinary_words_are_left_alone() -> None:
    text = "the bearer token expired; basic roles; token.invalid; invalid_token: try again"
    assert Redactor()(text) == text


def test_a_text_is_scrubbed_of_many_secrets_without_a_pattern_for_each() -> None:
    # A genesys-cloud fleet holds one admin secret per org: a pattern compiled for each of them, to
    # learn that a URL holds none, cost every process 1.3 s of CPU at 5,000 orgs.
    redact = Redactor()
    secrets = [f"fleet-secret-{n:05d}-value" for n in range(2000)]
    for secret in secrets:
        redact.pin(secret)
    compiled = _pattern.cache_info().currsize
    assert redact(f"https://api.example/x and {secrets[1234]} here") == "https://api.example/x and *** here"
    assert _pattern.cache_info().currsize - compiled <= 1
