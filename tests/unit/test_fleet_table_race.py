"""A runner that loses the race to create the PostgreSQL state table tries again; other errors stand."""

from __future__ import annotations

import pytest

from orgaccess.fleet.workspace import lost_table_race

OPENING = 'error: unable to open state database "postgres://orgaccess:[credential]@127.0.0.1:5432/o?table=state_1": '


@pytest.mark.parametrize(
    "cause",
    [
        "failed to create table state_1: pq: duplicate key value violates unique constraint"
        ' "pg_type_typname_nsp_index" (23505)',
        'failed to create table state_1: pq: type "state_1" already exists (42710)',
    ],
    ids=["unique-violation", "duplicate-object"],
)
def test_either_error_of_the_table_race_is_tried_again(cause: str) -> None:
    assert lost_table_race(OPENING + cause)


def test_a_database_that_refuses_the_login_is_not_tried_again() -> None:
    assert not lost_table_race(OPENING + 'failed to ping PostgreSQL: pq: password authentication failed for user "o"')
