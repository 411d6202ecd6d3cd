"""`orgaccess doctor`: why the screen-recordings API answers 403, per declared org, and the fix."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr
from rich.text import Text

from orgaccess.cli.appsecrets import ENV_SECRET, app_secrets, org_app_secrets
from orgaccess.cli.common import (
    DEFAULT_DECLARATIONS_PATH,
    ApiUrlOption,
    ClientIdOption,
    ClientSecretFileOption,
    CommandError,
    DeclarationsOption,
    PlatformOption,
    connect,
    credentials,
    explained_errors,
    out,
)
from orgaccess.cli.progress import progress
from orgaccess.declarations.access_yaml import Declarations, load_declarations
from orgaccess.diagnosis.findings import AppProbe, Finding, Status, Verdict
from orgaccess.diagnosis.probes import Probes
from orgaccess.dialects import of
from orgaccess.platform.settings import Settings
from orgaccess.printable import escape
from orgaccess.reports.doctor import bindings_to_diagnose, diagnose, settle

EXAMPLES = f"""\
Examples:

  ORGACCESS_CLIENT_ID=orgaccess-admin ORGACCESS_CLIENT_SECRET=... \\
  {ENV_SECRET}=... orgaccess doctor

  orgaccess doctor --app-secret-from-stack . --wait 120     # after `pulumi up`

  orgaccess doctor --format json | jq '.findings[] | select(.verdict != "ok")'

Exit status: 0 every check and probe passes, 1 anything fails (or an error).
"""

_MARK = {Status.PASS: ("ok  ", "green"), Status.FAIL: ("FAIL", "bold red"), Status.SKIP: ("skip", "dim")}
_VERDICT = {
    Verdict.OK: ("OK", "green"),
    Verdict.FIX_NEEDED: ("FIX NEEDED", "bold red"),
    Verdict.PROPAGATING: ("FIX APPLIED, NOT YET IN EFFECT", "yellow"),
    Verdict.PROBE_FAILED: ("PROBE FAILED", "bold red"),
}


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


@explained_errors
def doctor(
    output_format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TEXT,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            min=0,
            help="When every cause is fixed but the probe still gets 403, probe again for up to this "
            "many seconds (the platform takes a while to apply permission changes).",
        ),
    ] = 0,
    service_account: Annotated[
        list[str] | None,
        typer.Option("--service-account", help="Only this declared account (repeatable).", show_default=False),
    ] = None,
    app_secret_from_stack: Annotated[
        Path | None,
        typer.Option(
            "--app-secret-from-stack",
            file_okay=False,
            help="A Pulumi project directory whose stack output serviceAccounts holds the accounts' "
            f"secrets (else env {ENV_SECRET}).",
            show_default=False,
        ),
    ] = None,
    stack: Annotated[
        str | None, typer.Option("--stack", help="The stack for --app-secret-from-stack.", show_default=False)
    ] = None,
    declarations: DeclarationsOption = DEFAULT_DECLARATIONS_PATH,
    api_url: ApiUrlOption = None,
    client_id: ClientIdOption = None,
    client_secret_file: ClientSecretFileOption = None,
    platform: PlatformOption = None,
) -> None:
    """Check causes C1-C6 per declared org and probe the data plane as each service account."""
    settings = credentials(api_url, client_id, client_secret_file, platform)
    decls = load_declarations(declarations, of(settings))
    unknown = sorted(set(service_account or []) - {a.name for a in decls.serviceAccounts})
    if unknown:
        raise CommandError(f"--service-account {unknown[0]!r} is not declared in {declarations}")
    secrets_from = (app_secret_from_stack, stack)
    findings = _diagnosed(settings, decls, set(service_account) if service_account else None, secrets_from, wait)
    if output_format is Format.JSON:
        body = {"ok": all(f.ok for f in findings), "findings": [f.model_dump(mode="json") for f in findings]}
        typer.echo(json.dumps(body, indent=2))
    else:
        _text(findings, waited=wait > 0)
    raise typer.Exit(0 if all(f.ok for f in findings) else 1)


def _diagnosed(
    settings: Settings,
    decls: Declarations,
    accounts: set[str] | None,
    secrets_from: tuple[Path | None, str | None],
    wait: float,
) -> list[Finding]:
    """The findings of `accounts` (every declared one when None), probed with the apps' secrets
    (from a stack when one is named, else the environment), after waiting up to `wait` seconds."""
    dialect, fleet = of(settings), connect(settings)
    names = [a.name for a in decls.serviceAccounts]
    # Where accounts live per org, each org has a client of an account's name, with its own secret.
    secrets = (org_app_secrets if dialect.accounts_per_org else app_secrets)(names, *secrets_from)

    def app_probe(org: str, client_id: str, secret: SecretStr) -> AppProbe:
        return dialect.app_probe(settings, org, client_id, secret)

    with Probes(secrets, app_probe, per_org=dialect.accounts_per_org) as probes:
        with progress("Diagnosing orgs", len(bindings_to_diagnose(decls, accounts))) as done:
            findings = diagnose(decls, fleet, dialect, probes, accounts=accounts, done=done)
        pending = sum(f.verdict is Verdict.PROPAGATING for f in findings)
        if pending and wait:
            print(f"orgaccess: waiting up to {wait:g}s for the fix to take effect in {pending} org(s)", file=sys.stderr)
            findings = settle(findings, decls, fleet, dialect, probes, wait)
    return findings


def _text(findings: list[Finding], *, waited: bool) -> None:
    console = out()
    for f in findings:
        label, style = _VERDICT[f.verdict]
        # Evidence quotes the platform (names, error messages): escaped, it cannot drive the terminal.
        console.print(Text.assemble((escape(f.org), "bold"), escape(f"  {f.serviceAccount}: "), (label, style)))
        for c in f.checks:
            mark, mark_style = _MARK[c.status]
            console.print(Text.assemble("  ", (mark, mark_style), escape(f" {c.cause} {c.title:<11} {c.evidence}")))
            if c.fix:
                console.print(escape(f"                        fix: {c.fix}"))
        mark, mark_style = _MARK[f.probe.status]
        console.print(Text.assemble("  ", (mark, mark_style), escape(f" probe          {f.probe.evidence}")))
        if f.verdict is Verdict.PROPAGATING:
            hint = "" if waited else "; rerun with --wait 120"
            console.print(
                "                        every cause is fixed but the data plane still answers 403: the fix "
                f"is applied and not yet in effect (the platform's propagation delay){hint}"
            )
    failing = [f for f in findings if not f.ok]
    if failing:
        console.print(f"{len(failing)} of {len(findings)} failing: " + ", ".join(_brief(f) for f in failing))
    else:
        console.print(f"All {len(findings)} pass.")


def _brief(finding: Finding) -> str:
    causes = [c.cause for c in finding.checks if c.status is Status.FAIL]
    why = ", ".join(causes) if causes else _VERDICT[finding.verdict][0].lower()
    return f"{finding.org} ({why})"
