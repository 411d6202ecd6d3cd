"""The review report of a pull request: what changes per org, and what the policies say."""

from __future__ import annotations

import os

import pytest

from orgaccess.engine.automation import Stack
from orgaccess.reports.review import preview_of, render
from tests.policies.policy_helpers import DECLARATIONS, Preview

GOLDEN = DECLARATIONS.parent / "golden" / "before-to-after.md"


@pytest.mark.e2e
def test_the_report_of_a_known_change_matches_the_reviewed_golden_file(stack: Stack, preview: Preview) -> None:
    stack.set_config("orgaccess:declarations", str(DECLARATIONS / "before.yaml"))
    stack.up().check()
    run = preview(DECLARATIONS / "after.yaml")
    report = render(preview_of(run))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(report, encoding="utf-8")
    assert report == GOLDEN.read_text(encoding="utf-8")
