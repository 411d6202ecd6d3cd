"""A kind added in one module is previewed by the real engine, reviewed and checked by the policy pack.

The kind (tests/throwaway_kind.py) reaches the engine's own processes (the program, the provider,
the policy pack) through tests/throwaway_site/sitecustomize.py on PYTHONPATH; nothing under
orgaccess/, providers/ or policies/ names it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgaccess.emulator.harness import running_emulator
from orgaccess.engine.automation import project_stack
from orgaccess.reports.review import Preview, preview_of, render, review_preview
from tests.e2e.e2e_support import ADMIN
from tests.throwaway_kind import KIND, RULE, registered

pytestmark = pytest.mark.e2e

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
ORG = "org-partner-a"


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    """The review's preview (`pulumi preview --policy-pack policies`) of access.yaml on seed-403, read
    as `python -m orgaccess.reports.review` reads it."""
    path = [str(TESTS / "throwaway_site"), str(REPO), os.environ.get("PYTHONPATH", "")]
    with running_emulator("seed-403", db=tmp_path_factory.mktemp("emulator") / "db.sqlite") as emulator:
        stack = project_stack(
            tmp_path_factory.mktemp("state"),
            api_url=emulator.url,
            client_id=ADMIN[0],
            client_secret=ADMIN[1],
            extra_env={"PYTHONPATH": os.pathsep.join(filter(None, path))},
        )
        run = review_preview(stack, str(REPO / "policies"))
        assert run.returncode == 0, run.output
        # The review reads the preview in this process, which knows the kind as the engine's did.
        with registered():
            yield preview_of(run)


def test_the_engine_previews_the_kinds_objects_in_their_orgs_resource(preview: Preview) -> None:
    notes = [(s.op, s.org, s.name) for s in preview.steps if s.kind == KIND.name]
    assert notes == [("create", ORG, "Premium App")]


def test_the_provider_process_observes_the_kind(preview: Preview) -> None:
    (note,) = [s for s in preview.steps if s.kind == KIND.name]
    assert [d.describe() for d in note.drift] == ["missing on the platform"]


def test_the_review_writes_the_kinds_line_and_drift(preview: Preview) -> None:
    report = render(preview)
    assert "- Note on Premium App (new): Premium deletes recordings" in report
    assert f"- {ORG} GrantNote Premium App: missing on the platform" in report


def test_the_policy_pack_runs_a_rule_about_the_kind_on_its_objects(preview: Preview) -> None:
    found = [(p.level, p.subject) for p in preview.policies if p.policy == RULE.name]
    assert found == [("advisory", f"OrgAccess {ORG}")]
