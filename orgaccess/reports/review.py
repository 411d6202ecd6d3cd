"""The review of an access change, as markdown for a pull-request comment.

    python -m orgaccess.reports.review [--stack NAME] [--policy-pack policies] [--output review.md]

One `pulumi preview --policy-pack ...` run through the Automation API gives both halves of the
review in its engine events: the steps (each resource's declared inputs before and after, with
the live `drift` the provider computed) and the policy results. One run also means both halves
describe the same moment of the platform.

The report is deterministic (sorted, no stack names, URLs or timings), so it can be
compared with a reviewed golden file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgaccess.deploy.backend import selected_stack
from orgaccess.deploy.policy_rules import kind_of
from orgaccess.engine import result as engine_result
from orgaccess.engine.automation import Operations, WorkspaceStack
from orgaccess.engine.result import Result
from orgaccess.printable import escape, markdown
from orgaccess.reconciler.drift import Drift, as_records, from_records
from orgaccess.reconciler.kinds import KINDS, in_reading_order, object_kind
from orgaccess.reconciler.kinds.base import Change, Composite, Kind, label
from orgaccess.reconciler.reconcile import DRIFT_KEY

# Engine messages that only restate the outcome the header already gives.
_OUTCOME_NOISE = {"preview failed"}

Props = Mapping[str, Any]


class Step(Change):
    """One object in the preview; each kind writes its own review line of it (kinds/base.Kind.review)."""

    @property
    def of(self) -> Kind:
        return object_kind(self.kind)

    @property
    def name(self) -> str:
        return self.of.name_of(self.props)

    @property
    def org(self) -> str:
        return self.of.org_of(self.props)

    @property
    def drift(self) -> list[Drift]:
        """The drift the preview found on this object."""
        return from_records((self.new or {}).get(DRIFT_KEY))


@dataclass(frozen=True)
class PolicyResult:
    policy: str
    level: str
    # `Kind name` of the resource blamed, or `stack`.
    subject: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.level == "mandatory"


@dataclass(frozen=True)
class Preview:
    steps: list[Step]
    policies: list[PolicyResult]
    errors: list[str]


def review_preview(stack: Operations, policy_pack: str, config: str | None = None) -> Result:
    """The review's preview of `stack`, with the policy pack (and its config file)."""
    return stack.preview(policy_packs=[policy_pack], policy_pack_configs=[config] if config else None)


def preview_of(result: Result) -> Preview:
    """The steps, policy results and errors of the review's preview."""
    steps = _moved_as_one([part for step in result.steps for part in _steps(step)])
    policies = [_policy_result(violation) for violation in result.policy_violations]
    errors = [d.message for d in result.errors if d.message not in _OUTCOME_NOISE]
    return Preview(steps, policies, errors)


def _moved_as_one(steps: list[Step]) -> list[Step]:
    """Each object that leaves one resource for another (an upgrade: a resource of its own becoming a
    part of its org's) as the one step it is: deleted there, created here, declared the same."""
    by_object: dict[tuple[str, str], list[Step]] = {}
    for step in steps:
        by_object.setdefault((step.org, label(step.of, step.props)), []).append(step)
    merged: dict[int, Step] = {}  # the create's id -> the object's one step
    dropped: set[int] = set()  # the delete's id
    for gone, made in filter(None, map(_move, by_object.values())):
        drift = list(made.after.get(DRIFT_KEY) or [])
        op = _object_op("update", gone.before, _declared(made.after), drift)
        merged[id(made)] = Step(op, made.kind, gone.before, made.after)
        dropped.add(id(gone))
    return [merged.get(id(step), step) for step in steps if id(step) not in dropped]


def _move(same: list[Step]) -> tuple[Step, Step] | None:
    """(delete, create) when the steps of one object are its move from one resource to another."""
    gone = [s for s in same if s.op == "delete"]
    made = [s for s in same if s.op == "create"]
    if len(gone) == 1 and len(made) == 1 and _same_declaration(gone[0].before, made[0].after):
        return gone[0], made[0]
    return None


def _same_declaration(old: Props, new: Props) -> bool:
    # A resource of its own also holds the engine's own inputs (`__provider`) and its outputs' names.
    declared = _declared(new)
    return {k: old.get(k) for k in declared} == declared


def _declared(props: Props) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != DRIFT_KEY}


def _steps(step: engine_result.Step) -> list[Step]:
    kind = kind_of(step.type)
    if kind not in KINDS:  # another provider's resource, or the stack's Convergence check
        return []
    return _object_steps(KINDS[kind], step.op, step.old_inputs, step.new_inputs)


def _object_steps(resource: Kind | Composite, op: str, old: Props | None, new: Props | None) -> list[Step]:
    """A resource as one step per object it holds (an org's resource holds several), as if each
    were its own resource."""
    before, after = _objects(resource, old), _objects(resource, new)
    found = from_records((new or {}).get(DRIFT_KEY))
    return [_object_step(name, op, before, after, found) for name in [*after, *(n for n in before if n not in after)]]


# Each object of a resource by its label: its kind's name and its part of the resource's props.
_Objects = dict[str, tuple[str, Props]]


def _objects(resource: Kind | Composite, props: Props | None) -> _Objects:
    return {label(kind, part): (kind.name, part) for kind, part in resource.objects(props or {})}


def _object_step(name: str, op: str, before: _Objects, after: _Objects, found: list[Drift]) -> Step:
    kind = (after.get(name) or before[name])[0]
    drift = as_records(d for d in found if d.object == name)
    old_part = before[name][1] if name in before else None
    declared = after[name][1] if name in after else None
    new_part = {**declared, DRIFT_KEY: drift} if declared is not None else None
    return Step(_object_op(op, old_part, declared, drift), kind, old_part, new_part)


def _object_op(op: str, old_part: Props | None, declared: Props | None, drift: list[dict[str, Any]]) -> str:
    """The object's own step: created or deleted with its resource's object list, else updated when
    the resource is and this object's declaration or live state differs."""
    if old_part is None:
        return "create"
    if declared is None:
        return "delete"
    changed = drift or any(old_part.get(k) != v for k, v in declared.items() if v is not None)
    return "update" if op != "same" and changed else "same"


def _subject(urn: str) -> str:
    # urn:pulumi:<stack>::<project>::<type>::<name>
    _, _, type_, name = urn.split("::", 3)
    kind = kind_of(type_)
    return f"{kind} {name}" if kind else "stack"


def _policy_result(violation: engine_result.PolicyViolation) -> PolicyResult:
    # The engine sends "<policy description>\n<message>"; the description is in the pack.
    message = violation.message.split("\n", 1)[-1]
    subject = _subject(violation.urn) if violation.urn else "stack"
    return PolicyResult(violation.policy, violation.level, subject, message)


# ---- rendering


def _order(step: Step) -> tuple[str, int, str]:
    return step.org, list(in_reading_order()).index(step.of), step.name


def _summary(preview: Preview) -> str:
    ops: dict[str, int] = {}
    for step in preview.steps:
        ops[step.op] = ops.get(step.op, 0) + 1
    counts = ", ".join(f"{n} to {op}" for op, n in sorted(ops.items()) if op != "same") or "no changes"
    blocking = sum(r.blocking for r in preview.policies)
    advisory = len(preview.policies) - blocking
    verdict = f"**{blocking} mandatory violation(s): `pulumi up` is blocked**" if blocking else "no blocking violation"
    return f"Resources: {counts}. Policies: {verdict}, {advisory} advisory."


def render(preview: Preview) -> str:
    """The review as markdown: outcome, policy results, declared changes per org, live drift."""
    steps = sorted(preview.steps, key=_order)
    out = ["## orgaccess review", "", _summary(preview), ""]
    out += _errors(preview.errors) + _policies(preview.policies) + _changes(steps) + _drift(steps)
    return "\n".join(out)


def _errors(errors: list[str]) -> list[str]:
    if not errors:
        return []
    # Errors may quote the platform: no line of them may close the code block or drive a terminal.
    quoted = [escape(line).replace("`", "'") for error in errors for line in error.splitlines()]
    return ["### Errors", "", "```", *quoted, "```", ""]


def _policies(policies: list[PolicyResult]) -> list[str]:
    if not policies:
        return []
    ranked = sorted(policies, key=lambda r: (not r.blocking, r.policy, r.subject, r.message))
    return ["### Policies", "", *(f"- **{r.level}** `{r.policy}` on {r.subject}: {r.message}" for r in ranked), ""]


def _changes(steps: list[Step]) -> list[str]:
    changes: dict[str, list[str]] = {}
    for step in steps:
        if line := step.of.review(step):
            changes.setdefault(step.org, []).append(markdown(line))
    out = ["### Declared changes per org", ""]
    for org in sorted(changes):
        out += [f"**{markdown(org)}**", "", *(f"- {line}" for line in changes[org]), ""]
    return out if changes else [*out, "None.", ""]


def _drift(steps: list[Step]) -> list[str]:
    drift = sorted(f"{s.org} {s.kind} {s.name}: {d.describe()}" for s in steps for d in s.drift)
    if not drift:
        return []
    # The live half of each line is the platform's, names and all.
    return [
        f"<details><summary>Live state that differs from the declarations ({len(drift)})</summary>",
        "",
        *(f"- {markdown(line)}" for line in drift),
        "",
        "</details>",
        "",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orgaccess.reports.review", description=__doc__.splitlines()[0])
    parser.add_argument("--stack", help="the stack to preview (default: the selected one)")
    parser.add_argument("--policy-pack", default="policies", help="the policy pack directory")
    parser.add_argument("--policy-pack-config", help="its config file (levels, allow-list)")
    parser.add_argument("--output", type=Path, help="write the markdown here instead of stdout")
    args = parser.parse_args(argv)
    name = args.stack or selected_stack(Path.cwd(), WorkspaceStack(Path.cwd(), "").env())
    if not name:
        parser.error("no stack is selected here; pass --stack NAME")
    done = review_preview(WorkspaceStack(Path.cwd(), name), args.policy_pack, args.policy_pack_config)
    sys.stderr.write(done.stderr)
    report = render(preview_of(done))
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)
    # A failed preview (a mandatory violation among the reasons) fails the CI job, after the report.
    return 0 if done.ok else 1


if __name__ == "__main__":
    sys.exit(main())
