"""The Python SDK's debug messages: sent to the engine only when asked for, with ORGACCESS_SDK_DEBUG=1.

The SDK reports each step of each resource registration as a debug message (`pulumi.log.debug`), and
every one is an RPC to the engine, which makes it an event for every listener (`orgaccess fleet`'s
event log among them) and then drops it unless it runs with `--debug`. One stack of 600 orgs,
previewed twice each way, with them and without: the program's CPU 2.8 s and 1.9 s, the engine's
3.0 s and 2.3 s, `orgaccess fleet`'s own 1.6 s and 1.2 s, the preview 10.2 s and 8.8 s. They say
what the SDK does inside, never anything about orgaccess's resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi import log

DEBUG_ENV = "ORGACCESS_SDK_DEBUG"


def install(env: Mapping[str, str]) -> None:
    """Drops the SDK's debug messages in this process, unless `env` sets ORGACCESS_SDK_DEBUG=1."""
    if env.get(DEBUG_ENV) != "1":
        # The SDK's modules call `log.debug` on the module, so one assignment reaches every caller.
        log.debug = _dropped


def _dropped(*_message: Any, **_context: Any) -> None:
    """`pulumi.log.debug(msg, resource, stream_id, ephemeral)`, sending nothing."""
