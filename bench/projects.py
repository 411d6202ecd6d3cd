"""The two Pulumi programs the benchmark runs, staged into a scratch directory.

Pulumi writes each stack's settings (and its secrets' salt) beside Pulumi.yaml; staging a copy
keeps those files out of the source tree, where other stacks of the same project live.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
ORGACCESS = REPO
FLOOR = Path(__file__).resolve().parent / "floor_program"
# The floor program's provider (bench/enginecheck.py) is not installed: the engine's processes, which
# import its pickle, find it in the checkout.
FLOOR_ENV = {"PYTHONPATH": str(REPO)}


def stage(program: Path, dest: Path) -> Path:
    """Copies the program's Pulumi.yaml and __main__.py to `dest`, on this interpreter's venv."""
    dest.mkdir(parents=True, exist_ok=True)
    project = yaml.safe_load((program / "Pulumi.yaml").read_text())
    # The copy lives elsewhere, so a relative virtualenv would point nowhere.
    project["runtime"]["options"]["virtualenv"] = sys.prefix
    (dest / "Pulumi.yaml").write_text(yaml.safe_dump(project, sort_keys=False))
    shutil.copyfile(program / "__main__.py", dest / "__main__.py")
    return dest
