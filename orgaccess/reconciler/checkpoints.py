"""The engine's intermediate checkpoints, which `PULUMI_SKIP_CHECKPOINTS` turns off.

In its default mode the engine serialises the whole state after every step that changes something:
quadratic work in a stack's resources. Without them it still writes the final state at every end it
lives to see (errors and Ctrl-C included); only a hard kill loses the run's record, and then the
next `up` reads the platform again and adopts what the lost run made. That stands in for a lost
checkpoint, except for a secret the run made, which nothing but the state knows: a run without
checkpoints refuses to make one (reconciler.kinds.base.UnkeptSecret), and `orgaccess fleet` runs
those steps again with them (fleet/runner.py).
"""

from __future__ import annotations

from collections.abc import Mapping

VARIABLE = "PULUMI_SKIP_CHECKPOINTS"
SKIPPED = {VARIABLE: "true"}
# Said outright: the environment a run inherits may skip them.
KEPT = {VARIABLE: "false"}


def skipped(env: Mapping[str, str]) -> bool:
    """Whether an engine with `env` skips them: the variable read as the engine reads a boolean
    (sdk/go/common/util/cmdutil.IsTruthy)."""
    value = env.get(VARIABLE, "")
    return value == "1" or value.lower() == "true"
