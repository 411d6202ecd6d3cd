"""The shape check itself: what it finds in an answer, with the SDK's own model metadata."""

from __future__ import annotations

from tests.genesys.sdk_shape import shape_problems

ORG = {"id": "org-a", "name": "A", "version": 1, "state": "active"}


def test_an_answer_of_exactly_the_models_shape_has_no_problem() -> None:
    assert shape_problems(ORG, "Organization") == []


def test_a_field_the_model_requires_is_named_when_missing() -> None:
    answer = {key: value for key, value in ORG.items() if key != "version"}
    assert shape_problems(answer, "Organization") == [".version: required by Organization, missing"]


def test_a_field_the_model_does_not_know_is_named() -> None:
    assert shape_problems(ORG | {"motto": "x"}, "Organization") == [".motto: unknown to Organization"]


def test_a_value_of_another_type_is_named_even_a_bool_for_an_int() -> None:
    assert shape_problems(ORG | {"version": True}, "Organization") == [".version: True is not int"]
    assert shape_problems(ORG | {"version": "1"}, "Organization") == [".version: '1' is not int"]


def test_a_null_is_named() -> None:
    assert shape_problems(ORG | {"name": None}, "Organization") == [".name: null, but the SDK marks no field nullable"]


def test_an_enum_value_the_sdk_does_not_know_is_named() -> None:
    assert shape_problems(ORG | {"state": "asleep"}, "Organization") == [
        ".state: 'asleep' is not a value Organization knows"
    ]


def test_nested_models_and_lists_are_checked_with_their_paths() -> None:
    subject = {"id": "s", "grants": [{"subjectId": "s", "division": {"id": "d"}, "role": {"id": "r"}}]}
    assert shape_problems(subject, "AuthzSubject") == [
        ".grants[0].division.description: required by AuthzDivision, missing"
    ]
