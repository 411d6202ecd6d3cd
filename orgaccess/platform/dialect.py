"""The platform dialects orgaccess speaks: the seed platform's API, and Genesys Cloud's."""

from __future__ import annotations

from enum import StrEnum


class Dialect(StrEnum):
    # The multi-org API of the seed platform: one token, an org header, org locks.
    SEED = "seed"
    # Genesys Cloud's public API: one OAuth client and token per org, no org header.
    GENESYS_CLOUD = "genesys-cloud"
