"""Genesys lists no license toggles: an org's features are read one by one, each when first asked for."""

from __future__ import annotations

import threading
from collections import Counter

from orgaccess.platform.genesys.toggles import Toggles
from orgaccess.platform.models import LicenseFeature

OFFERED = {"analytics": True, "screen_recording": False}


def _counted() -> tuple[Toggles, Counter[str]]:
    reads: Counter[str] = Counter()

    def read(name: str) -> LicenseFeature | None:
        reads[name] += 1
        on = OFFERED.get(name)
        return None if on is None else LicenseFeature(name=name, enabled=on, selfService=True)

    return Toggles(read), reads


def test_a_feature_never_looked_up_is_never_read() -> None:
    toggles, reads = _counted()
    assert toggles["analytics"].enabled is True
    assert reads == {"analytics": 1}


def test_a_feature_is_read_once_whichever_threads_look_it_up() -> None:
    toggles, reads = _counted()
    threads = [threading.Thread(target=toggles.get, args=("screen_recording",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert reads == {"screen_recording": 1}


def test_a_feature_the_org_does_not_offer_is_absent() -> None:
    toggles, _ = _counted()
    assert toggles.get("speech_analytics") is None
    assert "speech_analytics" not in toggles


def test_a_name_that_is_no_feature_costs_no_read() -> None:
    toggles, reads = _counted()
    assert toggles.get("not_a_feature") is None
    assert reads == {}


def test_going_through_them_lists_the_offered_features_having_read_each_known_one_once() -> None:
    toggles, reads = _counted()
    assert list(toggles) == ["analytics", "screen_recording"]
    assert len(toggles) == 2
    assert set(reads.values()) == {1}
