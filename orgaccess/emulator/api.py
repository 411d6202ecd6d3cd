"""The APIs the emulator serves: the seed platform's, and Genesys Cloud's.

Spelled as orgaccess:platform names the dialect orgaccess speaks to each (orgaccess.dialects), so
that one word starts an emulator and configures orgaccess for it.
"""

from __future__ import annotations

from enum import StrEnum


class Api(StrEnum):
    # The multi-org API of the seed platform: one token, an org header, org locks.
    SEED = "seed"
    # Genesys Cloud's public API: one OAuth client and token per org, no org header.
    GENESYS_CLOUD = "genesys-cloud"
