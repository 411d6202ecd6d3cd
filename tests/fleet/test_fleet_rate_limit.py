"""A fleet `up` at a rate limit that binds: its stacks share one client and all read the home org,
so they pace that org's calls together, before the platform has to refuse them.

12 orgs in 6 org stacks at 15 requests a minute per (client, org): the home org's 21 calls (a few
per stack, the accounts stack's too) are 6 beyond its burst, 24 s of refill, and more than the
busiest partner org's 17. Without a shared budget, 3 such stacks met 10 429s in 152 calls.
"""

from __future__ import annotations

import pytest

from bench.ratelimit import Paced, paced_up
from orgaccess.emulator.fleet_scenario import generate
from orgaccess.fleet.admission import Jobs

pytestmark = pytest.mark.e2e

ORGS, STACKS, PER_MINUTE = 12, 6, 15


@pytest.fixture(scope="module")
def paced(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Paced:
    fleet = generate(ORGS, drift_fraction=0.3, seed=1)
    work = tmp_path_factory.mktemp("rate-limit")
    return paced_up(fleet, work, postgres_url, per_minute=PER_MINUTE, stacks=STACKS, jobs=Jobs(STACKS))


def test_the_limit_binds_on_the_home_org(paced: Paced) -> None:
    assert paced.unlimited.errors == {} and paced.limited.errors == {}
    assert paced.unlimited.busiest_org == "org-primary"
    assert paced.unlimited.busiest_org_calls > PER_MINUTE, paced.figures()


def test_up_at_a_binding_limit_takes_at_most_1_2x_its_floor(paced: Paced) -> None:
    assert paced.over_floor <= 1.2, paced.figures()


def test_up_at_a_binding_limit_is_refused_on_under_1_percent_of_its_calls(paced: Paced) -> None:
    assert paced.share_429 < 0.01, paced.figures()
