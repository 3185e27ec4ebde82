"""The package installs as a library: ranges in pyproject.toml, exact releases apart.

Every dependency is a range from a release the suite runs on (its lower bound, which
``python3 dev.py test --lowest`` installs) to the next major, or the next minor where a
project breaks within minors; constraints.txt names the exact releases CI installs,
versions only. jsii's range is the one the start-up hook is tested with. A new user's
project resolves with a newer provider binding and beside aws-cdk-lib.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import dev
from snowssi_constructs._flavour import FLAVOUR
from snowssi_constructs._startup.versions import JSII_RANGE, in_tested_range
from tests.support import ROOT, in_ci

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
OWN_NAME = canonicalize_name(PYPROJECT["name"])

# Projects that break within minor releases get the next minor as their upper bound.
NEXT_MINOR = {"cdktf", "cdktn"}
# Narrower than that, each for a reason of its own.
NARROWER = {
    # The releases the start-up hook is tested with (the test below).
    ("", "jsii"): JSII_RANGE.partition(",")[2],
    # cdktn 0.24 requires constructs >=10.6,<10.8.
    ("cdktn", "constructs"): "<10.8",
    # pre-commit's virtualenv: newer releases need packaging>=26.3, checkov needs <24.
    ("test", "virtualenv"): "<21.15",
}
# Left to the user's resolver: the AWS SDK, which moto and the live suite share.
UNBOUNDED = {"boto3"}


def requirements() -> list[tuple[str, Requirement]]:
    """Every requirement of pyproject.toml with the extra it belongs to ("" for none)."""
    found = [("", Requirement(text)) for text in PYPROJECT["dependencies"]]
    for extra, texts in PYPROJECT["optional-dependencies"].items():
        found += [(extra, Requirement(text)) for text in texts]
    return [(extra, req) for extra, req in found if canonicalize_name(req.name) != OWN_NAME]


def bounds(requirement: Requirement) -> tuple[Version, str]:
    """The lower bound and the upper bound's specifier text (``<X``)."""
    lower = [Version(spec.version) for spec in requirement.specifier if spec.operator == ">="]
    upper = [str(spec) for spec in requirement.specifier if spec.operator == "<"]
    assert len(lower) == 1 and len(upper) == 1, f"{requirement} is not a >=,< range"
    return lower[0], upper[0]


def expected_upper(extra: str, requirement: Requirement, lower: Version) -> str:
    name = canonicalize_name(requirement.name)
    if (extra, name) in NARROWER:
        return NARROWER[(extra, name)]
    if name in NEXT_MINOR or lower.major == 0:
        return f"<{lower.major}.{lower.minor + 1}"
    return f"<{lower.major + 1}"


@pytest.mark.parametrize(
    ("extra", "requirement"),
    [pair for pair in requirements() if pair[1].name not in UNBOUNDED],
    ids=lambda value: str(value) if isinstance(value, Requirement) else value or "runtime",
)
def test_every_dependency_is_a_range_up_to_the_next_major_or_minor(
    extra: str, requirement: Requirement
):
    lower, upper = bounds(requirement)
    assert upper == expected_upper(extra, requirement, lower)


def test_jsii_range_is_the_one_the_start_up_hook_is_tested_with():
    (jsii,) = [req for extra, req in requirements() if req.name == "jsii" and extra == ""]
    assert str(jsii.specifier) == str(Requirement(f"jsii{JSII_RANGE}").specifier)
    assert in_tested_range("1.141.0") and in_tested_range("1.142.0")
    assert not in_tested_range("1.140.0") and not in_tested_range("1.143.0")
    assert not in_tested_range("1.142.0rc1")


def constraint_pins(flavour: str) -> dict[str, Version]:
    pins = {}
    for line in dev.constraint_lines(flavour):
        name, _, version = line.partition("==")
        pins[canonicalize_name(name)] = Version(version)
    return pins


def test_constraints_txt_holds_versions_only():
    text = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    assert "://" not in text and "@" not in text
    for line in text.splitlines():
        pin, _, comment = line.partition("#")
        assert re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*==[0-9][0-9A-Za-z.+!-]*)?", pin.strip())
        if pin.strip() and comment:
            assert comment.strip() in ("[cdktf]", "[cdktn]"), line


@pytest.mark.parametrize("flavour", ["cdktf", "cdktn"])
def test_constraints_pin_every_dependency_of_a_flavour_inside_its_range(flavour: str):
    pins = constraint_pins(flavour)
    extras = ("", flavour, "test", "docs", "live", "mutation")
    for extra, requirement in requirements():
        if extra in extras:
            name = canonicalize_name(requirement.name)
            assert name in pins, f"constraints.txt does not pin {name}"
            assert requirement.specifier.contains(pins[name], prereleases=True), name


@pytest.mark.parametrize("flavour", ["cdktf", "cdktn"])
def test_the_lowest_constraints_are_the_lower_bounds(flavour: str):
    lowest = dict(line.split("==") for line in dev.constraint_lines(flavour, lowest=True))
    for extra, requirement in requirements():
        if extra in ("", flavour, "test", "docs") and requirement.name not in UNBOUNDED:
            name = canonicalize_name(requirement.name)
            assert Version(lowest[name]) == bounds(requirement)[0], name
    assert len(lowest) == len(dev.constraint_lines(flavour, lowest=True))


def test_this_environment_has_the_releases_of_its_constraints():
    """dev.py installs with ``-c <venv>/constraints.txt`` (constraints.txt, or its lowest
    form), which it keeps in the environment."""
    constraints = Path(sys.prefix) / "constraints.txt"
    if not constraints.is_file():
        message = f"{constraints} is missing: `python3 dev.py test` writes it"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    differing = {}
    for line in constraints.read_text(encoding="utf-8").split():
        name, _, version = line.partition("==")
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # the other flavour's, or an extra this environment does not have
        if Version(installed) != Version(version):
            differing[name] = (installed, version)
    assert differing == {}


# A newer provider binding than the extra's lower bound, as a user's project may have.
NEWER_BINDING = {"cdktf": "cdktf-cdktf-provider-aws==21.22.1", "cdktn": "cdktn-provider-aws<26"}


@pytest.mark.integration
def test_a_new_user_resolves_it_beside_a_newer_binding_and_aws_cdk_lib(tmp_path: Path, wheel: Path):
    """``pip install --dry-run`` (the resolver, metadata only) of the wheel with the
    flavour's extra, a newer aws binding and aws-cdk-lib, from the package index."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNOWSSI_")}
    report = tmp_path / "report.json"
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed"]
    command += ["-q", "--report", str(report), f"{wheel}[{FLAVOUR}]"]
    command += [NEWER_BINDING[FLAVOUR], "aws-cdk-lib"]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0 and "ResolutionImpossible" not in completed.stderr:
        message = f"pip could not reach the package index:\n{completed.stderr[-3000:]}"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    assert completed.returncode == 0, completed.stderr[-5000:]
    chosen = {
        canonicalize_name(item["metadata"]["name"]): Version(item["metadata"]["version"])
        for item in json.loads(report.read_text(encoding="utf-8"))["install"]
    }
    binding = Requirement(NEWER_BINDING[FLAVOUR])
    assert binding.specifier.contains(chosen[canonicalize_name(binding.name)])
    assert OWN_NAME in chosen and "aws-cdk-lib" in chosen
    assert in_tested_range(str(chosen["jsii"]))
