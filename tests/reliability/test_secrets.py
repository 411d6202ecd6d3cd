"""No secret leaves the platform in clear: not the reconciler's own, not the scenario accounts',
not the one the platform gives an account orgaccess creates. In the state it is ciphertext."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from orgaccess.emulator.fleet_scenario import ADMIN_ID, ADMIN_SECRET, HOME
from tests.reliability.support import NEW_ACCOUNT, SCENARIO_SECRETS, Converged, leaked

pytestmark = pytest.mark.e2e


def _secrets(converged: Converged) -> list[str]:
    return [*SCENARIO_SECRETS, converged.created_secret]


def _created_account(state: dict[str, Any]) -> dict[str, Any]:
    """The outputs of the created account's resource in an exported state."""
    (resource,) = [
        r
        for r in state["deployment"]["resources"]
        if r["urn"].endswith(f"orgaccess:ServiceAccount::{HOME}/{NEW_ACCOUNT}")
    ]
    outputs: dict[str, Any] = resource["outputs"]
    return outputs


def test_up_created_an_account_and_learnt_its_secret(converged: Converged) -> None:
    assert converged.up.returncode == 0, converged.up.output[-4000:]
    assert converged.created_secret


def test_pulumi_output_never_shows_a_secret(converged: Converged) -> None:
    shown = converged.preview.output + converged.up.output + converged.fleet.stack.preview().output
    assert leaked(shown, _secrets(converged)) == []


def test_the_engine_verbose_log_never_shows_a_secret(converged: Converged) -> None:
    # At -v=9 the engine logs every gRPC payload, the state's olds (with the secret) among them.
    logged = converged.fleet.stack.preview(log_to_std_err=True, log_verbosity=9)
    assert len(logged.stderr) > 10_000 and leaked(logged.output, _secrets(converged)) == []


def test_the_state_files_hold_no_secret_in_clear(converged: Converged) -> None:
    backend = converged.fleet.stack.backend_dir / ".pulumi"
    text = "".join(p.read_text(errors="replace") for p in backend.rglob("*") if p.is_file())
    assert text and leaked(text, _secrets(converged)) == []


def test_the_created_secret_is_ciphertext_in_the_exported_state(converged: Converged) -> None:
    secret = _created_account(converged.fleet.stack.export())["secret"]
    assert isinstance(secret, dict) and "ciphertext" in secret
    assert leaked(json.dumps(converged.fleet.stack.export()), _secrets(converged)) == []


def test_the_created_secret_is_in_the_state_for_whoever_asks_with_show_secrets(converged: Converged) -> None:
    # Still marked secret, now with the value in clear: `plaintext` holds it JSON-encoded.
    secret = _created_account(converged.fleet.stack.export(show_secrets=True))["secret"]
    assert isinstance(secret, dict) and json.loads(secret["plaintext"]) == converged.created_secret


def test_the_created_secret_is_the_one_the_platform_accepts(converged: Converged) -> None:
    with converged.fleet.admin() as admin:
        (account,) = [a for a in admin.list_clients(HOME) if a.name == NEW_ACCOUNT]
    assert converged.fleet.platform.token(account.id, converged.created_secret)


def test_the_orgaccess_cli_never_shows_a_secret(converged: Converged) -> None:
    env = {
        **os.environ,
        "ORGACCESS_API_URL": converged.fleet.platform.url,
        "ORGACCESS_CLIENT_ID": ADMIN_ID,
        "ORGACCESS_CLIENT_SECRET": ADMIN_SECRET,
    }
    decls = str(converged.fleet.declarations_path)
    shown = ""
    for args in (["drift", "--declarations", decls, "--format", "json"], ["doctor", "--declarations", decls]):
        done = subprocess.run(
            [sys.executable, "-m", "orgaccess", *args], env=env, capture_output=True, text=True, timeout=300
        )
        shown += done.stdout + done.stderr
    assert shown and leaked(shown, _secrets(converged)) == []
