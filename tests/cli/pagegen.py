"""A generated fleet's health, for drift page tests that need many orgs but no platform.

Shaped like orgaccess/emulator/fleet_scenario.py's fleets as `orgaccess drift --format html` sees them: two
accounts' causes C1 and C2 failing fleet-wide, and a third of the orgs drifted by one cause
each, with the evidence and fix texts of the real doctor.
"""

from __future__ import annotations

from orgaccess.diagnosis.findings import Check, Remedy, Status
from orgaccess.reconciler.drift import Drift
from orgaccess.reconciler.kinds import service_account
from orgaccess.reports.health import CAUSES, FailedCheck, OrgHealth, State, columns

ACCOUNT = "Premium App"
HOME = "org-primary"


def _failed(cause: str, evidence: str, fix: str) -> FailedCheck:
    check = Check(cause=cause, title="cause", status=Status.FAIL, evidence=evidence, fix=fix, remedy=Remedy.PULUMI_UP)
    return FailedCheck(ACCOUNT, check)


ACCOUNT_CAUSES = [
    _failed(
        "C1",
        f"GET /api/v2/oauth/clients in '{HOME}': service account '{ACCOUNT}' has scopes [], without recording:view",
        "pulumi up: access.yaml adds the scope recording:view",
    ),
    _failed(
        "C2",
        f"GET /api/v2/oauth/clients in '{HOME}': service account '{ACCOUNT}' has orgLock PRIMARY_ONLY, "
        f"so it may address only '{HOME}'",
        "pulumi up: access.yaml declares orgLock: LINKED_ORGS",
    ),
]


def org(org_id: str, *, drifted: bool = False, fixable: bool = True, error: str | None = None) -> OrgHealth:
    cells = dict.fromkeys(columns(), State.OK) | {service_account.KIND.column: State.NONE}
    if error is not None:
        cells = dict.fromkeys(columns(), State.UNREADABLE)
        return OrgHealth(org_id, cells, error=error)
    drift: list[Drift] = []
    failed = list(ACCOUNT_CAUSES)
    cells |= {"C1": State.DRIFT, "C2": State.DRIFT}
    if drifted:
        drift = [
            Drift(
                org=org_id,
                kind="Role",
                name=f"{org_id}/Recording Analyst",
                field="permissions",
                declared=["recording:view"],
                actual=["analytics:read"],
            ),
            Drift(
                org=org_id,
                kind="LicenseFeature",
                name=f"{org_id}/analytics",
                field="enabled",
                declared=True,
                actual=False,
                fixable=fixable,
                reason="" if fixable else "contract-managed, needs a contract change",
            ),
        ]
        failed.append(
            _failed(
                "C3",
                f"GET /api/v2/security/subjects/premium-app/roles in '{org_id}': granted 'Recording Analyst' "
                "[analytics:read]; none carries [recording:view]",
                "pulumi up: access.yaml binds [Recording Analyst]: it creates or corrects the role(s) and grants them",
            )
        )
        cells |= {"roles": State.DRIFT, "C3": State.DRIFT}
        cells |= {"license": State.DRIFT if fixable else State.NOT_FIXABLE, "C4": State.DRIFT}
    assert set(cells) == set(columns()) and set(CAUSES) <= set(cells)
    return OrgHealth(org_id, cells, drift, failed)


def fleet(n_orgs: int) -> list[OrgHealth]:
    """n_orgs orgs, every third drifted."""
    return [org(HOME), *(org(f"org-partner-{i:04d}", drifted=i % 3 == 0) for i in range(1, n_orgs))]
