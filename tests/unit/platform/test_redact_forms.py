"""The redactor masks a known secret in whatever bytes surround it once base64-encoded, and credentials by shape."""

from __future__ import annotations

import base64

import pytest

from orgaccess.platform._redact import Redactor

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
