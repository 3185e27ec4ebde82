#!/usr/bin/env python3
"""Set up the project's virtual environment and run its jobs; needs only Python 3.11+.

    python3 dev.py synth    # set up .venv, synthesize the default stack to cdktf.out/
    python3 dev.py test     # set up .venv with the test extras, run ruff, mypy and pytest
    python3 dev.py live     # the opt-in suite on a real AWS and Snowflake account

Extra arguments after ``test`` or ``live`` go to pytest. The environment is (re)installed only when
pyproject.toml changed since the last install.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_environment(extras: str) -> None:
    if not PYTHON.exists():
        print(f"creating {VENV.relative_to(ROOT)} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    # The test extras include everything the base install has.
    satisfied_by = [stamp] if extras else [stamp, VENV / ".installed-test"]
    if any(path.exists() and path.read_text() == digest for path in satisfied_by):
        return
    target = f".[{extras}]" if extras else "."
    print(f"installing {target} into .venv (the first time takes a few minutes) ...", flush=True)
    run([str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target])
    stamp.write_text(digest)


def run(command: list[str]) -> None:
    completed = subprocess.run(command, cwd=ROOT, check=False)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def synth() -> None:
    ensure_environment("")
    run([str(PYTHON), "main.py"])
    print("synthesized cdktf.out/stacks/snowssi/cdk.tf.json")


def test(pytest_args: list[str]) -> None:
    ensure_environment("test")
    run([str(PYTHON), "-m", "ruff", "check", "."])
    run([str(PYTHON), "-m", "ruff", "format", "--check", "."])
    run([str(PYTHON), "-m", "mypy"])
    run([str(PYTHON), "-m", "pytest", *pytest_args])


def live(pytest_args: list[str]) -> None:
    # Credentials come from the environment; README: "The live suite".
    ensure_environment("test,live")
    run([str(PYTHON), "-m", "pytest", "-m", "live", *pytest_args])


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("synth", "test", "live"):
        sys.exit(__doc__)
    if argv[0] == "synth":
        synth()
    elif argv[0] == "test":
        test(argv[1:])
    else:
        live(argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
