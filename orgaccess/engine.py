"""Running the real Pulumi CLI on a stack with the local file backend.

Tests, benchmarks and `make demo` drive `pulumi` exactly as an operator does, through
this one place, so that the environment (which engine, which backend, which
passphrase) is set the same way everywhere and no Pulumi Cloud account is involved.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PULUMI_VERSION = "3.274.1"
PROJECT_DIR = Path(__file__).resolve().parent.parent
# The documented passphrase of local demo and test stacks; real stacks set their own.
LOCAL_PASSPHRASE = "orgaccess-local-demo"


def private_dir(path: Path) -> Path:
    """`path`, created with each missing parent readable by its owner only (state holds secrets' salt)."""
    for directory in reversed([path, *path.parents]):
        if not directory.exists():
            # exist_ok: another process may create it first; mode then is theirs to choose.
            directory.mkdir(mode=0o700, exist_ok=True)
    return path


def engine_bin_dir() -> Path:
    """Where `make toolchain` put the engine (ORGACCESS_PULUMI_BIN overrides)."""
    explicit = os.environ.get("ORGACCESS_PULUMI_BIN")
    if explicit:
        return Path(explicit)
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    root = Path(os.environ.get("ORGACCESS_CACHE", cache / "orgaccess"))
    return root / "pulumi" / PULUMI_VERSION / "bin"


@dataclass(frozen=True)
class Result:
    """One finished `pulumi` command."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def check(self) -> Result:
        if self.returncode != 0:
            raise PulumiCommandError(self)
        return self


class PulumiCommandError(RuntimeError):
    def __init__(self, result: Result) -> None:
        tail = "\n".join(result.output.strip().splitlines()[-40:])
        super().__init__(f"`pulumi {' '.join(result.args)}` exited {result.returncode}:\n{tail}")
        self.result = result


@dataclass
class Stack:
    """A stack of the Pulumi project in `project_dir`, state under `backend_dir`."""

    project_dir: Path
    backend_dir: Path
    name: str = "dev"
    passphrase: str = LOCAL_PASSPHRASE
    extra_env: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PATH"] = f"{engine_bin_dir()}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
        env.update(
            PULUMI_BACKEND_URL=f"file://{self.backend_dir}",
            PULUMI_CONFIG_PASSPHRASE=self.passphrase,
            PULUMI_SKIP_UPDATE_CHECK="true",
            PULUMI_HOME=str(self.backend_dir / ".pulumi-home"),
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
            PULUMI_PYTHON_CMD=sys.executable,
        )
        env.update(self.extra_env)
        return env

    def run(self, *args: str, timeout: float = 900) -> Result:
        """Runs `pulumi ARGS` on this stack; never raises on a non-zero exit."""
        private_dir(self.backend_dir)
        argv = ("pulumi", *args, "--non-interactive")
        done = subprocess.run(
            argv,
            cwd=self.project_dir,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Result(tuple(args), done.returncode, done.stdout, done.stderr)

    def init(self) -> Stack:
        """Selects the stack, creating it the first time."""
        if self.run("stack", "select", self.name).returncode != 0:
            self.run("stack", "init", self.name).check()
        return self

    def set_config(self, key: str, value: str, *, secret: bool = False) -> None:
        self.run("config", "set", "--stack", self.name, *(["--secret"] if secret else []), key, value).check()

    def preview(self, *args: str) -> Result:
        return self.run("preview", "--stack", self.name, "--diff", *args)

    def up(self, *args: str) -> Result:
        # One org's contract-managed license must not stop the others from converging.
        return self.run("up", "--stack", self.name, "--yes", "--skip-preview", "--continue-on-error", *args)

    def refresh(self, *args: str) -> Result:
        return self.run("refresh", "--stack", self.name, "--yes", "--skip-preview", *args)

    def destroy(self, *args: str) -> Result:
        return self.run("destroy", "--stack", self.name, "--yes", "--skip-preview", *args)

    def export(self, *, show_secrets: bool = False) -> dict[str, Any]:
        args = ["stack", "export", "--stack", self.name, *(["--show-secrets"] if show_secrets else [])]
        return json.loads(self.run(*args).check().stdout)

    def outputs(self, *, show_secrets: bool = False) -> dict[str, Any]:
        args = ["stack", "output", "--stack", self.name, "--json"]
        return json.loads(self.run(*args, *(["--show-secrets"] if show_secrets else [])).check().stdout)


def project_stack(
    backend_dir: Path,
    *,
    api_url: str,
    client_id: str,
    client_secret: str,
    declarations: Path | None = None,
    name: str = "dev",
) -> Stack:
    """The orgaccess program's stack, configured for a platform (the emulator, in tests).

    It runs on a copy of the project under `backend_dir`: `pulumi config set` writes
    Pulumi.<stack>.yaml beside Pulumi.yaml, and tests must never write into the checkout.
    """
    stack = Stack(project_copy(backend_dir / "project"), backend_dir, name=name).init()
    stack.set_config("orgaccess:apiUrl", api_url)
    stack.set_config("orgaccess:clientId", client_id)
    stack.set_config("orgaccess:clientSecret", client_secret, secret=True)
    if declarations is not None:
        stack.set_config("orgaccess:declarations", str(declarations))
    return stack


def project_copy(workdir: Path) -> Path:
    """The orgaccess Pulumi project in `workdir`, using this checkout's code and virtualenv."""
    # Pulumi.<stack>.yaml lands here: the encryption salt and the secrets' ciphertext.
    private_dir(workdir)
    venv = Path(sys.prefix)
    text = (PROJECT_DIR / "Pulumi.yaml").read_text().replace("virtualenv: .venv", f"virtualenv: {venv}")
    (workdir / "Pulumi.yaml").write_text(text)
    shutil.copy(PROJECT_DIR / "__main__.py", workdir / "__main__.py")
    shutil.copy(PROJECT_DIR / "access.yaml", workdir / "access.yaml")
    return workdir
