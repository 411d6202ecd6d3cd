"""The policy pack through the real engine: one emulator and one stack per test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orgaccess.emulator.harness import running_emulator
from orgaccess.engine.automation import Stack
from orgaccess.engine.result import Result
from orgaccess.reports.review import review_preview
from tests.policies.policy_helpers import PACK, REPO, Preview


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of the real program on a fresh seed-403 emulator; previews only, unless a test ups."""
    # The module's own name, not its dotted path: short, and the stack name it always had.
    name = f"policies-{request.module.__name__.rpartition('.')[2]}"
    # Pulumi keeps a stack's config beside Pulumi.yaml; it must not outlive the test.
    config_file = REPO / f"Pulumi.{name}.yaml"
    with running_emulator("seed-403") as emulator:
        try:
            stack = Stack(REPO, tmp_path_factory.mktemp("backend"), name).init()
            stack.set_config("orgaccess:apiUrl", emulator.url)
            stack.set_config("orgaccess:clientId", "orgaccess-admin")
            stack.set_config("orgaccess:clientSecret", "s3cret-admin", secret=True)
            yield stack
        finally:
            config_file.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def preview(stack: Stack) -> Preview:
    """`pulumi preview --policy-pack policies` of a declarations file, as the review runs it."""

    def run(declarations: Path, config: Path | None = None) -> Result:
        stack.set_config("orgaccess:declarations", str(declarations))
        return review_preview(stack, str(PACK), str(config) if config else None)

    return run
