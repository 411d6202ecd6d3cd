"""Running the real Pulumi engine on a stack, through Pulumi's Automation API.

Tests, benchmarks, the demos and `orgaccess recover` drive the engine through this one place,
so that the environment (which engine, which backend, which passphrase) is set the same way
everywhere and no Pulumi Cloud account is involved. Operations answer a `Result` of typed facts
read from the engine's events (engine_result.py).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from orgaccess.deploy.backend import backend_url, state_compression
from orgaccess.engine.result import Result, run_operation

PULUMI_VERSION = "3.274.1"
PROJECT_DIR = Path(__file__).resolve().parents[2]
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


def engine_command() -> auto.PulumiCommand:
    """The `pulumi` the Automation API runs: the one `make toolchain` built when it is there,
    else the one on PATH (the operator's own)."""
    root = engine_bin_dir().parent
    return _pulumi_command(root if (root / "bin" / "pulumi").exists() else None)


@functools.cache
def _pulumi_command(root: Path | None) -> auto.PulumiCommand:
    # Making one runs `pulumi version` to check it: once per process is enough.
    return auto.PulumiCommand(root=str(root) if root else None)


class Operations:
    """The operations of a stack, through its Automation API stack (`automation`)."""

    name: str
    project_dir: Path

    @property
    def automation(self) -> auto.Stack:
        raise NotImplementedError

    def preview(self, **options: Any) -> Result:
        """`pulumi preview --diff` (`diff=False`: a plain preview); `options` are the Automation API's."""
        return _operation("preview", self.automation.preview, **{"diff": True, **options})

    def up(self, **options: Any) -> Result:
        # One org's contract-managed license must not stop the others from converging.
        return _operation("up", self.automation.up, continue_on_error=True, **options)

    def refresh(self, **options: Any) -> Result:
        return _operation("refresh", self.automation.refresh, **options)

    def destroy(self, **options: Any) -> Result:
        return _operation("destroy", self.automation.destroy, **options)

    def cancel(self) -> None:
        self.automation.cancel()

    def export(self, *, show_secrets: bool = False) -> dict[str, Any]:
        """The stack's state; secrets stay ciphertext unless `show_secrets`."""
        if show_secrets:
            exported = self.automation.export_stack()
            return {"version": exported.version, "deployment": exported.deployment}
        return json.loads(self.cli("stack", "export").stdout)

    def outputs(self, *, show_secrets: bool = False) -> dict[str, Any]:
        """The stack's outputs; a secret, even one nested in a map, reads `[secret]` unless `show_secrets`."""
        if show_secrets:
            return {key: output.value for key, output in self.automation.outputs().items()}
        return json.loads(self.cli("stack", "output", "--json").stdout)

    def cli(self, *args: str) -> auto.CommandResult:
        """`pulumi ARGS --stack NAME` as the Automation API runs its commands; raises CommandError.

        For what the Automation API does not offer: its export and outputs always decrypt the
        secrets, and a caller that must show that nothing leaks needs them as the CLI masks them.
        """
        workspace = self.automation.workspace
        return workspace.pulumi_command.run([*args, "--stack", self.name], str(self.project_dir), workspace.env_vars)


@dataclass
class Stack(Operations):
    """A stack of the Pulumi project in `project_dir`, state under `backend_dir`, run through
    the Automation API with the environment every test, benchmark and demo shares."""

    project_dir: Path
    backend_dir: Path
    name: str = "dev"
    passphrase: str = LOCAL_PASSPHRASE
    extra_env: dict[str, str] = field(default_factory=dict)

    def engine_env(self) -> dict[str, str]:
        """What the engine sees on top of this process's environment."""
        path = os.pathsep.join([str(engine_bin_dir()), str(Path(sys.executable).parent), os.environ["PATH"]])
        env = {
            "PATH": path,
            "PULUMI_BACKEND_URL": f"file://{self.backend_dir}",
            "PULUMI_CONFIG_PASSPHRASE": self.passphrase,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_HOME": str(self.backend_dir / ".pulumi-home"),
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_PYTHON_CMD": sys.executable,
            **self.extra_env,
        }
        return {**env, **state_compression(env["PULUMI_BACKEND_URL"], {**os.environ, **env})}

    def env(self) -> dict[str, str]:
        """The whole environment of a `pulumi` (or `orgaccess`) process run on this stack by hand."""
        return {**os.environ, **self.engine_env()}

    @property
    def backend_url(self) -> str:
        return self.engine_env()["PULUMI_BACKEND_URL"]

    @functools.cached_property
    def automation(self) -> auto.Stack:
        """The Automation API's stack: selected, created the first time."""
        private_dir(self.backend_dir)
        env = self.engine_env()
        workspace = auto.LocalWorkspace(
            work_dir=str(self.project_dir),
            pulumi_home=env["PULUMI_HOME"],
            env_vars=env,
            pulumi_command=engine_command(),
        )
        return auto.Stack.create_or_select(self.name, workspace)

    def init(self) -> Stack:
        """Selects the stack, creating it the first time."""
        _ = self.automation
        return self

    def set_config(self, key: str, value: str, *, secret: bool = False) -> None:
        self.automation.set_config(key, auto.ConfigValue(value, secret=secret))


def _operation(command: str, operation: Callable[..., Any], **options: Any) -> Result:
    # The text is kept for people: plain, whatever the terminal.
    return run_operation(command, functools.partial(operation, **{"color": "never", **options}))


def project_stack(
    backend_dir: Path,
    *,
    api_url: str,
    client_id: str,
    client_secret: str,
    declarations: Path | None = None,
    name: str = "dev",
    backend_url: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> Stack:
    """The orgaccess program's stack, configured for a platform (the emulator, in tests).

    It runs on a copy of the project under `backend_dir`: `pulumi config set` writes
    Pulumi.<stack>.yaml beside Pulumi.yaml, and tests must never write into the checkout.
    The state is in `backend_dir` too, unless `backend_url` names another backend (PostgreSQL).
    `extra_env` is what the engine's processes see besides (the workspace is made with it).
    """
    env = {**(extra_env or {}), **({"PULUMI_BACKEND_URL": backend_url} if backend_url else {})}
    stack = Stack(project_copy(backend_dir / "project"), backend_dir, name=name, extra_env=env).init()
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
class WorkspaceStack(Operations):
    """A stack as the operator's own `pulumi` sees it from `project_dir`: their environment (backend,
    passphrase, PULUMI_HOME) as it is, with this checkout's engine when it is built."""

    project_dir: Path
    name: str

    def env(self) -> dict[str, str]:
        env = {"PULUMI_SKIP_UPDATE_CHECK": "true", **os.environ}
        return {**env, **state_compression(backend_url(self.project_dir, env), env)}

    @property
    def backend_url(self) -> str:
        return backend_url(self.project_dir, self.env())

    @functools.cached_property
    def automation(self) -> auto.Stack:
        """Selected as `pulumi stack select` does (the Automation API knows no other way in)."""
        workspace = auto.LocalWorkspace(
            work_dir=str(self.project_dir), env_vars=self.env(), pulumi_command=engine_command()
        )
        return auto.Stack.select(self.name, workspace)
