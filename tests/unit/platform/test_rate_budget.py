"""The client's copy of the platform's rate-limit bucket: learned from the answers' headers,
shared between processes through a directory, and reserved from before each call is sent."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

from orgaccess.platform.ratebudget import Bucket, LocalBuckets, RateBudget, SharedBuckets

URL, CLIENT, ORG = "https://platform.test", "orgaccess-admin", "org-home"
SIXTY = {"inin-ratelimit-allowed": "60", "inin-ratelimit-count": "1"}  # one a second


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _budget(clock: Clock, buckets: LocalBuckets | SharedBuckets | None = None) -> RateBudget:
    return RateBudget(URL, CLIENT, buckets or LocalBuckets(), clock)


def test_nothing_is_reserved_before_an_answer_said_the_limit() -> None:
    budget = _budget(Clock())
    assert [budget.reserve(ORG) for _ in range(1000)] == [0.0] * 1000


def test_an_answer_without_the_headers_teaches_nothing() -> None:
    budget = _budget(Clock())
    budget.answered(ORG, {"retry-after": "5"}, refused_for=5.0)
    assert budget.reserve(ORG) == 0.0


def test_what_is_left_goes_at_once_and_the_rest_one_refill_apart() -> None:
    budget = _budget(Clock())
    budget.answered(ORG, SIXTY, refused_for=None)
    waits = [budget.reserve(ORG) for _ in range(61)]
    assert waits[:59] == [0.0] * 59
    assert waits[59:] == [1.0, 2.0]


def test_time_refills_the_copy_as_it_refills_the_platform() -> None:
    clock = Clock()
    budget = _budget(clock)
    budget.answered(ORG, {**SIXTY, "inin-ratelimit-count": "60"}, refused_for=None)
    clock.now += 3.0
    assert [budget.reserve(ORG) for _ in range(4)] == [0.0, 0.0, 0.0, 1.0]


def test_the_platform_saying_less_is_left_lowers_the_copy() -> None:
    # The customer's other integrations spend the same client's budget.
    budget = _budget(Clock())
    budget.answered(ORG, SIXTY, refused_for=None)
    budget.answered(ORG, {**SIXTY, "inin-ratelimit-count": "58"}, refused_for=None)
    assert [budget.reserve(ORG) for _ in range(3)] == [0.0, 0.0, 1.0]


def test_a_429_empties_the_copy_until_its_retry_after() -> None:
    budget = _budget(Clock())
    budget.answered(ORG, SIXTY, refused_for=None)
    budget.answered(ORG, SIXTY, refused_for=7.0)
    assert budget.reserve(ORG) == 7.0


def test_each_org_has_its_own_bucket() -> None:
    budget = _budget(Clock())
    budget.answered(ORG, {**SIXTY, "inin-ratelimit-count": "60"}, refused_for=None)
    assert budget.reserve(ORG) == 1.0
    assert budget.reserve("org-partner-a") == 0.0


def test_two_clients_in_one_directory_share_nothing(tmp_path: Path) -> None:
    clock = Clock()
    budget = _budget(clock, SharedBuckets(tmp_path))
    budget.answered(ORG, {**SIXTY, "inin-ratelimit-count": "60"}, refused_for=None)
    other = RateBudget(URL, "another-client", SharedBuckets(tmp_path), clock)
    assert other.reserve(ORG) == 0.0


def test_a_torn_file_is_learned_again(tmp_path: Path) -> None:
    clock = Clock()
    budget = _budget(clock, SharedBuckets(tmp_path))
    budget.answered(ORG, SIXTY, refused_for=None)
    (bucket,) = tmp_path.iterdir()
    bucket.write_text("[60, 12")
    assert budget.reserve(ORG) == 0.0


def test_a_shorter_copy_written_over_a_longer_one_reads_as_itself(tmp_path: Path) -> None:
    # The file is overwritten in place, never truncated: what is left of the longer copy must not show.
    shared = SharedBuckets(tmp_path)
    shared.update("k", lambda _old: (Bucket(60.0, -0.12345678901234567, 1_796_437_494.2335029), None))
    shared.update("k", lambda _old: (Bucket(60.0, 1.0, 2.0), None))
    assert shared.update("k", lambda old: (None, old)) == Bucket(60.0, 1.0, 2.0)


def test_the_files_hold_no_name_and_are_private(tmp_path: Path) -> None:
    budget = _budget(Clock(), SharedBuckets(tmp_path / "rate"))
    budget.answered(ORG, SIXTY, refused_for=None)
    (bucket,) = (tmp_path / "rate").iterdir()
    assert ORG not in bucket.name and CLIENT not in bucket.read_text()
    assert (tmp_path / "rate").stat().st_mode & 0o077 == 0
    assert bucket.stat().st_mode & 0o077 == 0


_RESERVE = """
import sys
from pathlib import Path
from orgaccess.platform.ratebudget import RateBudget, SharedBuckets
budget = RateBudget(sys.argv[2], sys.argv[3], SharedBuckets(Path(sys.argv[1])))
print(" ".join(str(budget.reserve(sys.argv[4])) for _ in range(10)))
"""


def test_processes_sharing_a_directory_reserve_distinct_slots(tmp_path: Path) -> None:
    # Six a minute: a slot every ten seconds, so the processes' few milliseconds apart do not blur it.
    RateBudget(URL, CLIENT, SharedBuckets(tmp_path)).answered(
        ORG, {"inin-ratelimit-allowed": "6", "inin-ratelimit-count": "0"}, refused_for=None
    )
    args = [sys.executable, "-c", _RESERVE, str(tmp_path), URL, CLIENT, ORG]
    processes = [subprocess.Popen(args, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    waits = sorted(float(w) for p in processes for w in p.communicate(timeout=60)[0].split())
    assert all(p.returncode == 0 for p in processes)
    assert len(waits) == 40 and waits[:6] == [0.0] * 6
    gaps = [later - earlier for earlier, later in itertools.pairwise(waits[6:])]
    assert all(9.0 < gap < 11.0 for gap in gaps), gaps
