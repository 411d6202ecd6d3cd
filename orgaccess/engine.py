"""Running the real Pulumi CLI on a stack with the local file backend.

Tests, benchmarks and `make demo` drive `pulumi` exactly as an operator does, through
this one place, so that the environment (which engine, which backend, which
passphrase) is set the same way everywhere and no Pulumi Cloud account is involved.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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


def run_pulumi(args: tuple[str, ...], cwd: Path, env: dict[str, str], timeout: float = 900) -> Result:
    """`pulumi ARGS --non-interactive` in `cwd`; never raises on a non-zero exit."""
    argv = ("pulumi", *args, "--non-interactive")
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    return Result(tuple(args), done.returncode, done.stdout, done.stderr)


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

    @property
    def backend_url(self) -> str:
        return self.env()["PULUMI_BACKEND_URL"]

    def run(self, *args: str, timeout: float = 900) -> Result:
        """Runs `pulumi ARGS` on this stack; never raises on a non-zero exit."""
        private_dir(self.backend_dir)
        return run_pulumi(args, self.project_dir, self.env(), timeout)

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
    backend_url: str | None = None,
) -> Stack:
    """The orgaccess program's stack, configured for a platform (the emulator, in tests).

    It runs on a copy of the project under `backend_dir`: `pulumi config set` writes
    Pulumi.<stack>.yaml beside Pulumi.yaml, and tests must never write into the checkout.
    The state is in `backend_dir` too, unless `backend_url` names another backend (PostgreSQL).
    """
    extra_env = {"PULUMI_BACKEND_URL": backend_url} if backend_url else {}
    stack = Stack(project_copy(backend_dir / "project"), backend_dir, name=name, extra_env=extra_env).init()
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


@dataclass
class WorkspaceStack:
    """A stack as the operator's own `pulumi` sees it from `project_dir`: their environment (backend,
    passphrase, PULUMI_HOME) as it is, with this checkout's engine first on PATH when it is built."""

    project_dir: Path
    name: str

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if (engine_bin_dir() / "pulumi").exists():
            env["PATH"] = f"{engine_bin_dir()}{os.pathsep}{env.get('PATH', '')}"
        env.setdefault("PULUMI_SKIP_UPDATE_CHECK", "true")
        return env

    @property
    def backend_url(self) -> str:
        return backend_url(self.project_dir, self.env())

    def run(self, *args: str, timeout: float = 900) -> Result:
        return run_pulumi(args, self.project_dir, self.env(), timeout)


def backend_url(project_dir: Path, env: dict[str, str]) -> str:
    """The backend `pulumi` uses in `project_dir`: PULUMI_BACKEND_URL, else the project's `backend.url`,
    else the one `pulumi login` stored (PULUMI_HOME/credentials.json), else Pulumi Cloud."""
    if env.get("PULUMI_BACKEND_URL"):
        return env["PULUMI_BACKEND_URL"]
    project = project_settings(project_dir)
    configured = (project.get("backend") or {}).get("url")
    if configured:
        return str(configured)
    home = Path(env.get("PULUMI_HOME") or Path.home() / ".pulumi")
    try:
        current = json.loads((home / "credentials.json").read_text()).get("current")
    except (OSError, ValueError):
        current = None
    return str(current or "https://api.pulumi.com")


def selected_stack(project_dir: Path, env: dict[str, str]) -> str | None:
    """The stack `pulumi stack select` chose in `project_dir` for its backend, read from the workspace
    file as pulumi reads it (pulumi itself fails to tell while the stack's checkpoint is unreadable):
    PULUMI_HOME/workspaces/<project>-<sha1 of Pulumi.yaml's real path>-workspace.json."""
    project_file = (project_dir / "Pulumi.yaml").resolve()
    digest = hashlib.sha1(str(project_file).encode(), usedforsecurity=False).hexdigest()
    home = Path(env.get("PULUMI_HOME") or Path.home() / ".pulumi")
    path = home / "workspaces" / f"{project_settings(project_dir).get('name')}-{digest}-workspace.json"
    try:
        settings = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    chosen = (settings.get("stacks") or {}).get(backend_url(project_dir, env)) or settings.get("stack")
    # Stored fully qualified (organization/<project>/<stack>); the file and PostgreSQL backends need only the last part.
    return str(chosen).rsplit("/", 1)[-1] if chosen else None


def project_settings(project_dir: Path) -> dict[str, Any]:
    """Pulumi.yaml of `project_dir`; {} when there is none."""
    path = project_dir / "Pulumi.yaml"
    if not path.exists():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}
