"""Schemathesis against the emulator's own OpenAPI document: no 5xx, no answer outside the schema.

Valid and invalid requests alike. Bounded: a few examples per operation, over the platform API
only (the control plane could replace the state or inject faults mid-run). The operations are
driven by hand rather than by `schemathesis.pytest.from_fixture`, which does not run under pytest 9.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks
from schemathesis.core.result import Ok

from orgaccess.emulator.harness import EmulatorHandle, running_emulator
from orgaccess.platform.models import ORG_HEADER

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 25
# The headers that frame a request on the wire: the server's, not the API's.
FRAMING = {"content-length", "transfer-encoding"}


@pytest.fixture
def fuzzed_emulator() -> Iterator[EmulatorHandle]:
    with running_emulator("seed-403") as handle:
        handle.set_faults(rateLimitPerMinute=1_000_000)
        yield handle


# About a minute of fuzzing: `make test` runs it, the inner loop (`make check`) leaves it out.
@pytest.mark.slow
def test_platform_api_answers_within_its_schema_and_never_5xx(fuzzed_emulator: EmulatorHandle) -> None:
    url = fuzzed_emulator.url
    headers = {
        "Authorization": f"Bearer {fuzzed_emulator.token('orgaccess-admin', 's3cret-admin')}",
        ORG_HEADER: "org-partner-a",
    }
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json").exclude(path_regex="^/_emulator/")
    failures = []
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), "every documented operation parses"
    assert len(operations) >= 18, "every endpoint of the contract is documented"
    for operation in operations:

        @given(case=st.one_of(operation.as_strategy(), operation.as_strategy(GenerationMode.NEGATIVE)))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: Any) -> None:
            # A negative case may send its own Content-Length or Transfer-Encoding (an empty one,
            # say): the HTTP server's parser refuses it in text/plain before the emulator sees it.
            assume(not FRAMING & {name.lower() for name in case.headers or {}})
            case.call_and_validate(base_url=url, headers=headers, checks=CHECKS)

        try:
            exercise()
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
