"""orgaccess's resources for the declarations at config `orgaccess:declarations`, all no-ops.

Same names, inputs and dependencies as the real program, so the engine does the same work;
only the provider differs. The kind prefixes the name: one type means one URN namespace.
"""

from pathlib import Path

import pulumi

from orgaccess.declarations import load_declarations
from orgaccess.desired import per_org, plan
from orgaccess.enginecheck import Noop

made: dict[tuple[str, str], Noop] = {}
for item in per_org(plan(load_declarations(Path(pulumi.Config("orgaccess").require("declarations"))))):
    needs = [made[key] for key in item.depends_on]
    made[item.key] = Noop(f"{item.kind}/{item.name}", item.props, pulumi.ResourceOptions(depends_on=needs))
# The program's one Convergence check, after every org (orgaccess/program.fail_on_part_failures).
Noop("Convergence/convergence", {"failed": []}, pulumi.ResourceOptions(depends_on=list(made.values())))
