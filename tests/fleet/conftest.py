"""Fleet tests run on a real PostgreSQL state backend: the session's `postgres_url` (tests/conftest.py)."""

from __future__ import annotations

import sys
from pathlib import Path

# `bench` (the fleet generator) is a directory of the checkout, not an installed package.
REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
