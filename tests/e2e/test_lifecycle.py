"""The life of a stack: adopt, refresh, create and rotate a secret, destroy releasing what was adopted."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx
import pytest

from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.engine.automation import PROJECT_DIR, Stack
from orgaccess.engine.result import Result
from orgaccess.platform.client import PlatformClient
from orgaccess.platform.models import RoleUpdate
from orgaccess.reconciler.kinds import org_access
from tests.e2e.e2e_support import ADMIN, APP, drift_by_resource

pytestmark = pytest.mark.e2e

BOT = "Report Bot"
# org-partner-d's license is declared as it is (off), so every `up` here succeeds whole.
WITH_BOT = (
    (PROJECT_DIR / "access.yaml")
    .read_text()
    .replace(
        "  - id: org-partner-d\n    licenses: {analytics: true}",
        "  - id: org-partner-d\n    licenses: {analytics: false}",
    )
    .replace(
        "\nroles:\n",
        "\n  - name: Report Bot\n    grantType: client_credentials\n    scopes: [recording:view]\n"
        "    orgLock: LINKED_ORGS\n    secretRotation: initial\n\nroles:\n",
        1,
    )
)


@pytest.fixture(scope="module")
def declarations(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("decl") / "access.yaml"
    path.write_text(WITH_BOT)
    stack.set_config("orgaccess:declarations", str(path))
    return path


@pytest.fixture(scope="module")
def first_up(stack: Stack, declarations: Path) -> Result:
    return stack.up().check()


def bot_secret(stack: Stack) -> str:
    return str(stack.outputs(show_secrets=True)["serviceAccounts"][BOT]["secret"])


def token_status(platform: EmulatorHandle, client_id: str, secret: str) -> int:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return httpx.post(f"{platform.url}/oauth/token", data=form).status_code


def test_up_says_which_existing_objects_it_adopted(first_up: Result) -> None:
    said = [d.message for d in first_up.diagnostics]
    assert "orgaccess: ServiceAccount org-primary/Premium App: adopted the existing object of the same name" in said


def test_a_created_accounts_secret_authenticates(first_up: Result, stack: Stack, platform: EmulatorHandle) -> None:
    bot_id = stack.outputs()["serviceAccounts"][BOT]["clientId"]
    assert token_status(platform, bot_id, bot_secret(stack)) == 200


def test_the_secret_is_encrypted_in_the_state_and_masked_in_outputs(first_up: Result, stack: Stack) -> None:
    secret = bot_secret(stack)
    assert secret not in str(stack.export())
    assert secret not in json.dumps(stack.outputs())
    assert stack.outputs()["serviceAccounts"][BOT]["secret"] == "[secret]"


def test_the_pickled_provider_carries_a_kind_name_and_no_credentials(first_up: Result, stack: Stack) -> None:
    resources = stack.export(show_secrets=True)["deployment"]["resources"]
    for resource in (r for r in resources if "orgaccess:" in r["type"]):
        provider = resource["inputs"]["__provider"]
        pickled = base64.b64decode(provider["plaintext"].strip('"') if isinstance(provider, dict) else provider)
        assert b"providers.provider" in pickled and len(pickled) < 300
        assert ADMIN[1].encode() not in pickled and b"127.0.0.1" not in pickled


def test_the_state_keeps_each_resources_stack_trace_down_to_the_program_entry(first_up: Result, stack: Stack) -> None:
    resources = stack.export()["deployment"]["resources"]
    for resource in (r for r in resources if "orgaccess:" in r["type"]):
        frames = [frame.get("sourcePosition", "") for frame in resource["stackTrace"]]
        assert frames[-1].startswith("project:///__main__.py#"), frames
        assert not any("site-packages" in frame for frame in frames)


def test_changing_secret_rotation_rotates_the_secret(
    first_up: Result, stack: Stack, declarations: Path, platform: EmulatorHandle
) -> None:
    bot_id = stack.outputs()["serviceAccounts"][BOT]["clientId"]
    old = bot_secret(stack)
    declarations.write_text(WITH_BOT.replace("secretRotation: initial", "secretRotation: rotated-once"))
    stack.up().check()
    new = bot_secret(stack)
    assert new != old
    assert token_status(platform, bot_id, new) == 200
    assert token_status(platform, bot_id, old) == 401


def test_refresh_brings_the_state_to_live_values_and_preview_then_shows_the_field(
    first_up: Result, stack: Stack, admin: PlatformClient
) -> None:
    (role,) = admin.list_roles("org-partner-a", name="Recording Analyst")
    admin.update_role("org-partner-a", role.id, RoleUpdate(name=role.name, permissions=[], version=role.version))
    stack.refresh().check()
    (state,) = [r for r in stack.export()["deployment"]["resources"] if r["urn"].endswith("OrgAccess::org-partner-a")]
    (saved,) = [r for r in org_access.KIND.listed(state["outputs"])["roles"] if r["name"] == "Recording Analyst"]
    assert saved["permissions"] == []
    preview = stack.preview().check()
    assert ("org-partner-a", "update") in [(s.name, s.op) for s in preview.steps if s.changes]
    (drift,) = drift_by_resource(preview)["Role::org-partner-a/Recording Analyst"]
    assert drift.startswith("permissions: live [] -> declared [recording:view]"), drift
    stack.up().check()


def test_destroy_releases_adopted_objects_and_deletes_what_it_created(
    first_up: Result, stack: Stack, admin: PlatformClient
) -> None:
    bot_id = stack.outputs()["serviceAccounts"][BOT]["clientId"]
    stack.destroy().check()
    # Adopted: still there.
    assert [c.id for c in admin.list_clients("org-primary") if c.name == "Premium App"] == [APP[0]]
    assert admin.list_roles("org-primary", name="Recording Analyst")
    assert {r.name for r in admin.list_subject_roles("org-primary", APP[0])} == {"Recording Analyst"}
    # Created by orgaccess: gone, grants and all.
    assert bot_id not in {c.id for c in admin.list_clients("org-primary")}
    assert admin.list_roles("org-partner-a", name="Screen Recording Admin") == []
    assert admin.list_subject_roles("org-partner-a", APP[0]) == []
    # Built in: never deleted.
    assert {r.name for r in admin.list_roles("org-partner-a") if r.builtIn} == {"admin", "employee"}


def test_destroy_succeeds_when_an_object_is_already_gone(stack: Stack, admin: PlatformClient) -> None:
    stack.up().check()
    bot = next(c for c in admin.list_clients("org-primary") if c.name == BOT)
    admin.delete_client("org-primary", bot.id)
    stack.destroy().check()
