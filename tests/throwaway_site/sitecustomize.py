"""Imported by every Python process that starts with this directory on PYTHONPATH (see `site`).

tests/e2e/test_throwaway_kind.py sets PYTHONPATH so for the engine it runs: the program, each
provider process and the policy pack then all know the throwaway kind, as they would a kind
shipped in orgaccess/reconciler/kinds/.
"""

from tests.throwaway_kind import install

install()
