"""Drift records: what differs, field by field, and whether `pulumi up` can fix it."""

from __future__ import annotations

import json
from typing import Any

from orgaccess.reconciler.drift import Drift, as_records, compare, from_records

WHERE: dict[str, Any] = {"org": "org-partner-b", "kind": "Role", "name": "org-partner-b/Recording Analyst"}


def test_an_absent_object_is_one_exists_record() -> None:
    (drift,) = compare(**WHERE, declared={"permissions": ["recording:view"]}, actual=None, fields=("permissions",))
    assert (drift.field, drift.declared, drift.actual) == ("exists", True, False)


def test_a_matching_object_has_no_drift() -> None:
    declared = {"permissions": ["recording:view"]}
    assert compare(**WHERE, declared=declared, actual=dict(declared), fields=("permissions",)) == []


def test_lists_are_compared_as_sets() -> None:
    declared = {"permissions": ["a", "b"]}
    assert compare(**WHERE, declared=declared, actual={"permissions": ["b", "a"]}, fields=("permissions",)) == []


def test_only_the_named_fields_are_compared() -> None:
    declared, actual = {"permissions": ["x"], "description": "new"}, {"permissions": ["x"], "description": "old"}
    assert compare(**WHERE, declared=declared, actual=actual, fields=("permissions",)) == []


def test_a_differing_field_records_declared_and_actual() -> None:
    (drift,) = compare(
        **WHERE,
        declared={"permissions": ["recording:view"]},
        actual={"permissions": ["analytics:read"]},
        fields=("permissions",),
    )
    assert (drift.field, drift.declared, drift.actual, drift.fixable) == (
        "permissions",
        ["recording:view"],
        ["analytics:read"],
        True,
    )


def test_an_unfixable_field_says_why() -> None:
    (drift,) = compare(
        **WHERE,
        declared={"enabled": True},
        actual={"enabled": False},
        fields=("enabled",),
        unfixable={"enabled": "contract-managed"},
    )
    assert not drift.fixable and drift.reason == "contract-managed"


def test_describe_reads_live_then_declared() -> None:
    drift = Drift(**WHERE, field="permissions", declared=["recording:view"], actual=[])
    assert drift.describe() == "permissions: live [] -> declared [recording:view]"


def test_describe_says_a_field_the_declaration_leaves_out_is_not_declared() -> None:
    # A binding without `divisions` means the home division; "declared None" read as a value.
    drift = Drift(**WHERE, field="divisions", declared=None, actual=["*"])
    assert drift.describe() == "divisions: live [*] -> not declared (the platform's default)"


def test_describe_marks_what_cannot_be_fixed() -> None:
    drift = Drift(**WHERE, field="enabled", declared=True, actual=False, fixable=False, reason="needs a contract")
    assert drift.describe() == "enabled: live false -> declared true (NOT FIXABLE: needs a contract)"


def test_the_headline_names_the_object_and_says_that_up_fixes_it() -> None:
    drift = Drift(**WHERE, field="permissions", declared=["recording:view"], actual=[])
    assert drift.headline() == (
        "Role Recording Analyst: permissions: live [] -> declared [recording:view]; `pulumi up` fixes it"
    )


def test_the_headline_of_what_up_cannot_fix_says_why_instead() -> None:
    drift = Drift(**WHERE, field="enabled", declared=True, actual=False, fixable=False, reason="needs a contract")
    expected = "Role Recording Analyst: enabled: live false -> declared true (NOT FIXABLE: needs a contract)"
    assert drift.headline() == expected


def test_the_headline_shows_a_hostile_live_name_escaped() -> None:
    drift = Drift(**WHERE, field="roles", declared=["A"], actual=["Analyst\u202e\x1b[2J"])
    assert "\u202e" not in drift.headline() and "\x1b" not in drift.headline()


def test_records_round_trip_through_their_json_form() -> None:
    found = [
        Drift(**WHERE, field="permissions", declared=["recording:view"], actual=[]),
        Drift(**WHERE, field="exists", declared=True, actual=False, fixable=False, reason="why"),
    ]
    assert from_records(json.loads(json.dumps(as_records(found)))) == found
    assert from_records(None) == []
