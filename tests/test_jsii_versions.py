"""Outside the jsii releases it is tested with, the start-up hook steps aside, saying so once.

The range is pyproject.toml's (``tests/test_dependency_ranges.py`` compares them). Here
the installed jsii is made to look untested by narrowing the range in a subprocess,
before anything imports jsii: the first ``import jsii`` then gives exactly one
``RuntimeWarning`` naming the version, the kernel starts jsii's own way, and the CDKTF
binding roots import the plain way, also when the package sets up jsii (as its
construct modules do, first or later; hook on or off).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata

import pytest

from snowssi_constructs._flavour import FLAVOUR
from snowssi_constructs._startup.versions import in_tested_range

PROGRAM = """
import json
import warnings

import snowssi_constructs._startup
import snowssi_constructs._startup.versions as versions

versions.LOWEST_JSII, versions.BEYOND_JSII = (0, 1, 0), (0, 2)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    {first}
    import constructs
    # What every construct module runs first (through _flavour), without the bindings.
    snowssi_constructs._startup.activate()
    import {time_binding}
from snowssi_constructs._startup import runtime

print(json.dumps({{
    "warnings": [str(warning.message) for warning in caught],
    "kernel": runtime.kernel_mode(),
    "modes": runtime.load_modes(),
}}))
"""
TIME_BINDING = {"cdktf": "cdktf_cdktf_provider_time", "cdktn": "cdktn_provider_time"}


def run(first: str, *, hook: bool) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SNOWSSI_", "JSII_"))}
    if not hook:
        env["SNOWSSI_NO_STARTUP_HOOK"] = "1"
    program = PROGRAM.format(first=first, time_binding=TIME_BINDING[FLAVOUR])
    completed = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("first", "hook"),
    [
        ("import jsii", True),
        ("snowssi_constructs._startup.activate()", True),
        ("snowssi_constructs._startup.activate()", False),
    ],
    ids=["jsii-first", "package-first", "package-first-hook-off"],
)
@pytest.mark.integration
def test_an_untested_jsii_gets_one_warning_and_jsii_s_own_way(first: str, hook: bool):
    version = metadata.version("jsii")
    result = run(first, hook=hook)
    (warning,) = result["warnings"]  # type: ignore[misc]
    assert f"jsii {version} is outside the releases the start-up hook is tested with" in warning
    assert result["kernel"] == "plain"
    if FLAVOUR == "cdktf":
        assert result["modes"] == {"cdktf_cdktf_provider_time": "plain"}


def test_the_installed_jsii_is_in_the_tested_range():
    assert in_tested_range(metadata.version("jsii"))
