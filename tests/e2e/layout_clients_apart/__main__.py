"""The program as it was before an org's clients were parts of its resource, for the upgrade tests:
each client a `ServiceAccount` resource of its own, which its org's resource depends on.

Today's program with the clients part held on no platform, which is exactly what it declared then
(same names, inputs, dependencies and types).
"""

from typing import Any, cast

from orgaccess import program
from orgaccess.platform.dialect import Dialect
from orgaccess.reconciler.kinds import org_access


def _never(dialect: Dialect) -> bool:
    return False


# The registry is this process's own: nothing else runs in it.
cast(dict[str, Any], org_access.KIND.only_where)["clients"] = _never
program.run()
