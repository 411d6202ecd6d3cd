"""`orgaccess drift`: the declarations against the platform, field by field, without Pulumi state."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from enum import StrEnum
from functools import partial
from itertools import groupby
from pathlib import Path
from typing import Annotated, Any

import typer

from orgaccess.cli.common import (
    DEFAULT_DECLARATIONS_PATH,
    ApiUrlOption,
    ClientIdOption,
    ClientSecretFileOption,
    CommandError,
    DeclarationsOption,
    PlatformOption,
    ProcessesOption,
    connect,
    credentials,
    explained_errors,
    out,
    reading,
)
from orgaccess.cli.progress import progress
from orgaccess.declarations.access_yaml import fleet_org_ids, load_declarations
from orgaccess.dialects import of
from orgaccess.plan.desired import plan
from orgaccess.printable import escape, markdown
from orgaccess.reconciler.drift import EXISTS, Drift, as_records
from orgaccess.reports.driftpage import Source, render, totals_line
from orgaccess.reports.fleet_drift import fleet_drift, objects_by_org
from orgaccess.reports.health import State, exit_state, org_health
from orgaccess.reports.reading import reading_preflight

DRIFT_EXIT = 2
ERROR_EXIT = 1
# The page's exit code: as the other formats', and 1 when an org could not be read (the page is still written).
HTML_EXIT = {State.UNREADABLE: ERROR_EXIT, State.NOT_FIXABLE: DRIFT_EXIT, State.DRIFT: DRIFT_EXIT}

EXAMPLES = """\
Examples:

  orgaccess drift                          # text, for people

  orgaccess drift --format json | jq '.[] | select(.fixable | not)'

  orgaccess drift --format markdown > comment.md   # for a pull-request comment

  orgaccess drift --format html --output drift.html  # one page, for people and CI artifacts

Exit status: 0 no drift, 2 drift (fixable or not), 1 error (for html: also when an org could
not be read; the page is written and shows which).
"""


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        dir_okay=False,
        help="Write the report to this file (stdout then gets one summary line).",
        show_default=False,
    ),
]


@explained_errors
def drift(
    output_format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TEXT,
    output: OutputOption = None,
    declarations: DeclarationsOption = DEFAULT_DECLARATIONS_PATH,
    api_url: ApiUrlOption = None,
    client_id: ClientIdOption = None,
    client_secret_file: ClientSecretFileOption = None,
    platform: PlatformOption = None,
    processes: ProcessesOption = None,
) -> None:
    """Show every field where the platform differs from the declarations (reads only)."""
    settings = credentials(api_url, client_id, client_secret_file, platform)
    dialect = of(settings)
    decls = load_declarations(declarations, dialect)
    fleet = connect(settings)
    dialect.planning_preflight(decls, declarations, fleet)
    orgs = fleet_org_ids(decls)
    read = reading(settings, fleet, len(orgs), processes, partial(reading_preflight, dialect, decls, declarations))
    with progress("Comparing orgs", len(orgs)) as done:
        if output_format is Format.HTML:
            health = org_health(read, dialect, decls, objects_by_org(orgs, plan(decls, dialect)), done=done)
            report = render(health, Source(declarations, datetime.now(UTC)))
            summary, code = totals_line(health), HTML_EXIT.get(exit_state(health), 0)
        else:
            found = fleet_drift(read, dialect, decls, done=done)
            render_as = {Format.TEXT: _text, Format.JSON: _json, Format.MARKDOWN: _markdown}[output_format]
            report, summary, code = render_as(found, len(orgs)), _summary(found, len(orgs)), DRIFT_EXIT if found else 0
    emit(report, output, summary)
    raise typer.Exit(code)


def emit(report: str, output: Path | None, summary: str) -> None:
    """`report` on stdout, or into `output` with `summary` on stdout.

    Every format is printable as it is made (text and markdown escaped, JSON in ASCII, the page
    HTML-escaped), so it is written as it is: a console would lay out a 5,000-org report, 0.4 s.
    """
    if output is None:
        sys.stdout.write(report)
        return
    try:
        output.write_text(report, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"{output}: cannot write the report ({exc.strerror}); check the path") from None
    out().print(f"{summary.rstrip('.')}; written to {output}")


def _summary(found: list[Drift], orgs: int) -> str:
    if not found:
        return f"No drift: all {orgs} orgs match the declarations."
    drifted = len({d.org for d in found})
    unfixable = sum(not d.fixable for d in found)
    tail = f"; {unfixable} cannot be fixed by pulumi up" if unfixable else ""
    return f"{len(found)} drifted field(s) in {drifted} of {orgs} orgs{tail}."


def _by_org(found: list[Drift]) -> list[tuple[str, list[Drift]]]:
    # fleet_drift already lists each org's drift together, in file order.
    return [(org, list(items)) for org, items in groupby(found, key=lambda d: d.org)]


def _text(found: list[Drift], orgs: int) -> str:
    lines: list[str] = []
    for org, items in _by_org(found):
        lines.append(escape(org))
        lines += [escape(f"  {d.kind} {d.name}: {d.describe()}") for d in items]
    return "\n".join([*lines, _summary(found, orgs)]) + "\n"


def _json(found: list[Drift], _orgs: int) -> str:
    return json.dumps(as_records(found), indent=2) + "\n"


def _markdown(found: list[Drift], orgs: int) -> str:
    parts = [f"### orgaccess drift\n\n{_summary(found, orgs)}"]
    for org, items in _by_org(found):
        parts.append(
            f"\n**`{_cell(org)}`**\n\n| Kind | Object | Field | Live | Declared | Fix |\n|---|---|---|---|---|---|"
        )
        for d in items:
            live, declared = ("absent", "present") if d.field == EXISTS else (_value(d.actual), _value(d.declared))
            fix = "`pulumi up`" if d.fixable else f"not by API: {_cell(d.reason)}"
            parts.append(f"| {d.kind} | {_cell(d.name)} | {d.field} | {live} | {declared} | {fix} |")
    return "\n".join(parts) + "\n"


def _value(value: Any) -> str:
    if isinstance(value, list):
        shown = ", ".join(map(str, value)) or "none"
    elif isinstance(value, bool):
        shown = str(value).lower()
    else:
        shown = "none" if value is None else str(value)
    # Inside a code span only a pipe or a backtick can break out; markdown there is shown as typed.
    return "`" + escape(shown).replace("|", "\\|").replace("`", "'") + "`"


def _cell(text: str) -> str:
    """Text safe inside a table cell: nothing in it can break the row, or form a link, tag or escape."""
    return markdown(text.replace("`", "'"))
