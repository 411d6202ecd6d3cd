"""What an org's resource keeps of a part with a secret (a genesys-cloud client): the secret apart, in
the encrypted `secrets` output, and never lost to a converge that fails; and a part held on some
platforms only left out of the spec where it lists nothing.

Two made-up kinds, so that each spec says one thing: `Key`, which keeps a secret, and `Tag`, which does not.
"""

from __future__ import annotations

from typing import Any

import pytest

from orgaccess.reconciler.kinds.base import (
    FAILED,
    OBJECTS,
    SECRETS,
    Composite,
    Kind,
    KindError,
    Observed,
    Props,
    UnkeptSecret,
    known_objects,
)

ORG = "org-a"
# What the next converge of a Key does: return this, or raise it.
NEXT: dict[str, Any] = {}


def _converge(_fleet: Any, props: Props, _prior: Props) -> dict[str, Any]:
    outcome = NEXT["outcome"]
    if isinstance(outcome, Exception):
        raise outcome
    return {**props, **outcome}


def _kind(name: str, secret: tuple[str, ...]) -> Kind:
    return Kind(
        name=name,
        fields=(),
        identity=("org", "name"),
        observe=lambda _fleet, _props: Observed(None),
        converge=_converge,
        delete=lambda _fleet, _props: None,
        plan=lambda _decls, _dialect: iter(()),
        review=lambda _change: None,
        column=name.lower(),
        outputs=("keyId", *secret),
        secret_outputs=secret,
    )


KEY, TAG = _kind("Key", ("secret",)), _kind("Tag", ())
HOLDER = Composite("Holder", ("org",), [("keys", KEY), ("tags", TAG)], only_where={"keys": lambda _d: False})
DECLARED = HOLDER.declared(ORG, {"keys": [{"org": ORG, "name": "app"}]})


def _converged(outcome: dict[str, Any] | Exception, prior: Props | None = None) -> dict[str, Any]:
    NEXT["outcome"] = outcome
    return HOLDER.converge_resource(None, DECLARED, prior or {})  # type: ignore[arg-type]


def test_a_secret_is_kept_apart_from_what_the_objects_keep_in_the_clear() -> None:
    outs = _converged({"keyId": "k-1", "secret": "s3cret"})

    assert "s3cret" not in outs[OBJECTS]
    assert known_objects(outs) == {"Key app": {"keyId": "k-1", "secret": "s3cret"}}


def test_an_object_that_cannot_converge_keeps_the_secret_it_had() -> None:
    before = _converged({"keyId": "k-1", "secret": "s3cret"})

    outs = _converged(KindError("the platform said no"), before)

    assert known_objects(outs) == {"Key app": {"secret": "s3cret"}}
    assert HOLDER.unconverged(DECLARED, outs) == {"Key app"}
    assert outs[FAILED] == [f"{ORG}, Key app: the platform said no"]


def test_a_secret_the_run_could_lose_fails_the_whole_resource() -> None:
    with pytest.raises(UnkeptSecret):
        _converged(UnkeptSecret("needs the engine's checkpoints"))


def test_objects_without_a_secret_make_no_secret_output() -> None:
    outs = _converged({"keyId": "k-1", "secret": ""})

    assert SECRETS not in outs


def test_a_part_held_on_some_platforms_only_is_left_out_of_a_spec_that_lists_none() -> None:
    assert HOLDER.declared(ORG, {"tags": []}) == {"org": ORG, "spec": '{"tags":[]}'}
