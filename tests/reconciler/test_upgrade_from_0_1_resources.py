"""The per-object resources of orgaccess 0.1 (`Role`, `RoleBinding`, `LicenseFeature`) are an upgrade
step only (providers/upgrade_0_1.py): nothing can declare one, a 0.1 state's provider pickle still
loads, and deleting one, as the first `up` with 0.2 does, leaves its object on the platform.
The upgrade itself, through the engine: tests/e2e/test_upgrade_from_0_1.py."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import pytest
from pydantic import SecretStr

from orgaccess.deploy import session
from orgaccess.emulator.harness import EmulatorHandle
from orgaccess.platform.settings import Settings
from orgaccess.reconciler.kinds.role import roles
from orgaccess.reconciler.snapshot import Fleet
from providers import resource_type
from providers.provider import KindProvider
from tests.reconciler.support import ADMIN, writes

PER_OBJECT = ["Role", "RoleBinding", "LicenseFeature"]
ORG = "org-partner-c"


@pytest.mark.parametrize("kind", PER_OBJECT)
def test_no_program_can_declare_a_resource_of_a_kind_that_is_part_of_an_org(kind: str) -> None:
    with pytest.raises(TypeError, match="parts of their org's OrgAccess resource"):
        resource_type(kind)


@pytest.mark.parametrize("kind", PER_OBJECT)
def test_the_provider_pickle_of_a_0_1_resource_still_loads(kind: str) -> None:
    # What a 0.1 state holds: the pickle names providers.provider.KindProvider and the kind.
    loaded = pickle.loads(pickle.dumps(KindProvider(kind)))
    assert (type(loaded), loaded.kind) == (KindProvider, kind)


@pytest.fixture
def provider_process(platform: EmulatorHandle) -> None:
    """This process configured as a provider process of a deployment on the emulator."""
    session.configure(Settings(api_url=platform.url, client_id=ADMIN[0], client_secret=SecretStr(ADMIN[1])))


@pytest.mark.usefixtures("provider_process")
def test_deleting_a_0_1_role_leaves_it_on_the_platform(
    platform: EmulatorHandle, next_run: Callable[[], Fleet], capsys: pytest.CaptureFixture[str]
) -> None:
    # As 0.1 kept a role it had made itself: without the upgrade step, its delete would remove it.
    state = {"org": ORG, "name": "Recording Analyst", "permissions": ["recording:view"], "adopted": False}
    since = platform.audit_count()
    KindProvider("Role").delete(f"{ORG}/Recording Analyst", state)
    assert writes(platform.audit(since)) == []
    assert "Recording Analyst" in roles(next_run(), ORG)
    assert "left on the platform" in capsys.readouterr().err
