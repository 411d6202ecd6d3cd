"""The service accounts' own secrets, for the doctor's probe: from the stack that made them, or env.

`pulumi up` exports `serviceAccounts: {name: {clientId, secret}}`; the secret is known there only
for accounts orgaccess created or rotated (an adopted account keeps the secret its operators hold,
so for it the env variable is the source).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr, ValidationError

from orgaccess.cli.common import CommandError

ENV_SECRET = "ORGACCESS_APP_CLIENT_SECRET"
# On genesys-cloud each org has its own app client: `{"<account>": {"<org id>": "<secret>"}}`.
ENV_ORG_SECRETS = "ORGACCESS_APP_CLIENT_SECRETS"


class _Exported(BaseModel):
    clientId: str | None = None
    secret: str | None = None


def app_secrets(names: list[str], stack_dir: Path | None, stack: str | None) -> dict[str, SecretStr]:
    """A secret per service account name: the stack's where it knows one, else env ORGACCESS_APP_CLIENT_SECRET."""
    env = os.environ.get(ENV_SECRET)
    secrets = {name: SecretStr(env) for name in names} if env else {}
    if stack_dir is not None:
        for name, exported in _stack_accounts(stack_dir, stack).items():
            if name in names and exported.secret:
                secrets[name] = SecretStr(exported.secret)
    return secrets


def org_app_secrets(names: list[str], stack_dir: Path | None, stack: str | None) -> dict[str, SecretStr]:
    """On genesys-cloud: a secret per `<org>/<account>`, from the stack's outputs, else env."""
    secrets = _env_org_secrets(names)
    if stack_dir is not None:
        secrets |= _stack_org_secrets(names, stack_dir, stack)
    return secrets


def _env_org_secrets(names: list[str]) -> dict[str, SecretStr]:
    env = os.environ.get(ENV_ORG_SECRETS)
    if not env:
        return {}
    try:
        given = json.loads(env)
        return {f"{org}/{name}": SecretStr(str(s)) for name in names for org, s in given.get(name, {}).items()}
    except (ValueError, AttributeError):
        raise CommandError(
            f'env {ENV_ORG_SECRETS} must be JSON like {{"<account>": {{"<org id>": "<secret>"}}}}'
        ) from None


def _stack_org_secrets(names: list[str], stack_dir: Path, stack: str | None) -> dict[str, SecretStr]:
    secrets: dict[str, SecretStr] = {}
    for name, per_org in _stack_outputs(stack_dir, stack).items():
        if name in names:
            exported = _exported_per_org(per_org, stack_dir)
            secrets |= {f"{org}/{name}": SecretStr(e.secret) for org, e in exported.items() if e.secret}
    return secrets


def _exported_per_org(per_org: Any, stack_dir: Path) -> dict[str, _Exported]:
    try:
        return {str(org): _Exported.model_validate(e) for org, e in per_org.items()}
    except (AttributeError, ValidationError):
        raise CommandError(f"the stack in {stack_dir} was not made on genesys-cloud; check --stack") from None


def _stack_accounts(stack_dir: Path, stack: str | None) -> dict[str, _Exported]:
    try:
        # Never quote the output in an error: it holds secrets.
        return {str(k): _Exported.model_validate(v) for k, v in _stack_outputs(stack_dir, stack).items()}
    except ValidationError:
        raise CommandError(
            f"`pulumi stack output serviceAccounts` in {stack_dir} did not print a map of service accounts; "
            "run `pulumi up` first"
        ) from None


def _stack_outputs(stack_dir: Path, stack: str | None) -> dict[str, Any]:
    argv = ["pulumi", "stack", "output", "serviceAccounts", "--show-secrets", "--json", "--non-interactive"]
    argv += ["--stack", stack] if stack else []
    env = dict(os.environ)
    if shutil.which("pulumi") is None:
        # The engine `make toolchain` builds, when no other pulumi is on PATH. Imported here: the
        # engine module loads Pulumi's Automation API, which `doctor` needs only on this path.
        from orgaccess.engine.automation import engine_bin_dir

        env["PATH"] = f"{engine_bin_dir()}{os.pathsep}{env.get('PATH', '')}"
    where = f"`pulumi stack output serviceAccounts` in {stack_dir}"
    try:
        done = subprocess.run(argv, cwd=stack_dir, env=env, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CommandError(f"{where} could not run ({exc}); install pulumi or check the directory") from None
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise CommandError(f"{where} failed: {detail}")
    try:
        # Never quote the output in an error: it holds secrets.
        outputs = json.loads(done.stdout)
    except ValueError:
        outputs = None
    if not isinstance(outputs, dict):
        raise CommandError(f"{where} did not print a map of service accounts; run `pulumi up` first")
    return outputs
