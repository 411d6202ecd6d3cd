"""orgaccess's resources for the declarations at config `orgaccess:declarations`, all no-ops.

Same names, inputs and dependencies as the real program, so the engine does the same work;
only the provider differs. The kind prefixes the name: one type means one URN namespace.
Config `orgaccess:floorShape` `nested` sends an org's objects as nested lists instead of the
one JSON string `spec` (bench/floor_shape.py measures what that costs the engine).
"""

from pathlib import Path

import pulumi

from bench.enginecheck import Noop
from orgaccess.declarations.access_yaml import load_declarations
from orgaccess.dialects import SEED
from orgaccess.plan.desired import per_org, plan
from orgaccess.reconciler.kinds import org_access

config = pulumi.Config("orgaccess")
nested = config.get("floorShape") == "nested"
made: dict[tuple[str, str], Noop] = {}
for item in per_org(plan(load_declarations(Path(config.require("declarations")), SEED), SEED), SEED):
    needs = [made[key] for key in item.depends_on]
    props = item.props
    if nested and item.kind == org_access.KIND.name:
        props = {"org": item.org, **org_access.KIND.listed(props)}
    made[item.key] = Noop(f"{item.kind}/{item.name}", props, pulumi.ResourceOptions(depends_on=needs))
# The program's one Convergence check, after every org (orgaccess/program.fail_on_part_failures).
Noop("Convergence/convergence", {"failed": []}, pulumi.ResourceOptions(depends_on=list(made.values())))
