"""CDKTF and CDK Terrain: the choice of flavour, and the same JSON on both."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from snowssi_constructs import _flavour
from snowssi_constructs._flavour import FLAVOUR, FLAVOUR_ENV, MODULES
from tests.support import EXAMPLES, ROOT, in_ci

TIMEOUT = 900

# Hides both flavours from the import system, as in an environment without either.
NEITHER_FLAVOUR = textwrap.dedent(
    """
    import importlib.abc, sys

    class Hide(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in ("cdktf", "cdktn"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Hide())
    try:
        # The package's root imports nothing; its first construct brings the CDK.
        from snowssi_constructs import SnowSSIStack
    except ImportError as error:
        print(error)
    """
)


def _environment(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != FLAVOUR_ENV}
    env.update(extra)
    return env


@pytest.mark.integration
def test_without_either_flavour_the_import_names_the_extras():
    completed = subprocess.run(
        [sys.executable, "-c", NEITHER_FLAVOUR],
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    message = completed.stdout.strip()
    assert "snowssi-constructs[cdktf]" in message
    assert "snowssi-constructs[cdktn]" in message


def test_the_flavour_variable_wins_and_is_checked(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(FLAVOUR_ENV, "cdktn")
    assert _flavour.choose_flavour() == "cdktn"
    monkeypatch.setenv(FLAVOUR_ENV, "cdk")
    with pytest.raises(ImportError, match="expected 'cdktf' or 'cdktn'"):
        _flavour.choose_flavour()


def test_the_flavour_the_program_imported_wins(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(FLAVOUR_ENV, raising=False)
    # This process imported its flavour (and only that one).
    assert _flavour.choose_flavour() == FLAVOUR
    assert not [name for name in MODULES[_other(FLAVOUR)] if name in sys.modules]


# With the folder of stand-in packages first on sys.path, imports the modules named in
# argv, then loads snowssi_constructs/_flavour.py (standard library only) by path and
# prints the flavour it chose and the core module it took.
CHOOSE_FLAVOUR = textwrap.dedent(
    """
    import importlib, importlib.util, sys, types

    flavour_file, site, *imports = sys.argv[1:]
    sys.path.insert(0, site)
    for name in imports:
        importlib.import_module(name)
    # _flavour first runs the start-up hook's activate(), which is not under test here:
    # a stand-in package whose hook does nothing.
    package = types.ModuleType("snowssi_constructs")
    package.__path__ = []
    hook = types.ModuleType("snowssi_constructs._startup")
    hook.activate = lambda: None
    sys.modules.update({package.__name__: package, hook.__name__: hook})
    spec = importlib.util.spec_from_file_location("snowssi_constructs._flavour", flavour_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    print(module.FLAVOUR, module.cdktf.__name__, module.cdktf.FAKE)
    """
)


def _fake_flavours(root: Path, flavours: tuple[str, ...]) -> Path:
    """A folder holding tiny stand-ins of the core and binding packages of ``flavours``."""
    site = root / "site"
    for flavour in flavours:
        for name in MODULES[flavour]:
            (site / name).mkdir(parents=True)
            # _flavour re-exports the core's App and TerraformStack.
            (site / name / "__init__.py").write_text("FAKE = True\nApp = TerraformStack = None\n")
    return site


@pytest.mark.parametrize(
    ("installed", "imported", "requested", "chosen"),
    [
        # Both installed: what the program imported decides ...
        (("cdktf", "cdktn"), ("cdktn",), "", "cdktn"),
        (("cdktf", "cdktn"), ("cdktn_provider_snowflake",), "", "cdktn"),
        (("cdktf", "cdktn"), ("cdktf",), "", "cdktf"),
        (("cdktf", "cdktn"), ("cdktf_cdktf_provider_aws",), "", "cdktf"),
        # ... when it imported exactly one; otherwise CDKTF, the default.
        (("cdktf", "cdktn"), (), "", "cdktf"),
        (("cdktf", "cdktn"), ("cdktn", "cdktf"), "", "cdktf"),
        # The variable wins over what was imported.
        (("cdktf", "cdktn"), ("cdktn",), "cdktf", "cdktf"),
        (("cdktf", "cdktn"), ("cdktf",), "cdktn", "cdktn"),
        # One installed: that one.
        (("cdktn",), (), "", "cdktn"),
    ],
    ids=[
        "cdktn-imported",
        "cdktn-binding-imported",
        "cdktf-imported",
        "cdktf-binding-imported",
        "none-imported",
        "both-imported",
        "variable-over-cdktn-imported",
        "variable-over-cdktf-imported",
        "only-cdktn-installed",
    ],
)
@pytest.mark.integration
def test_with_both_flavours_installed_the_imported_one_wins(
    tmp_path: Path,
    installed: tuple[str, ...],
    imported: tuple[str, ...],
    requested: str,
    chosen: str,
):
    site = _fake_flavours(tmp_path, installed)
    flavour_file = Path(_flavour.__file__)
    # -I -S: neither site-packages nor PYTHONPATH, so the stand-ins are the only
    # flavours installed.
    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-c", CHOOSE_FLAVOUR, str(flavour_file), str(site), *imported],
        cwd=tmp_path,
        env=_environment(**({FLAVOUR_ENV: requested} if requested else {})),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == [chosen, chosen, "True"]


@pytest.mark.integration
def test_asking_for_a_flavour_that_is_not_installed_names_the_extras():
    other = _other(FLAVOUR)
    completed = subprocess.run(
        # The package's root imports nothing; its first construct brings the CDK.
        [sys.executable, "-c", "from snowssi_constructs import SnowSSIStack"],
        env=_environment(**{FLAVOUR_ENV: other}),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert completed.returncode != 0
    assert f"snowssi-constructs runs on {other}" in completed.stderr
    assert f"snowssi-constructs[{other}]" in completed.stderr


def _other(flavour: str) -> str:
    return "cdktn" if flavour == "cdktf" else "cdktf"


def _cdktn_python() -> Path | None:
    configured = os.environ.get("SNOWSSI_CDKTN_PYTHON")
    candidate = Path(configured) if configured else ROOT / ".venv-cdktn" / "bin" / "python"
    return candidate if candidate.is_file() else None


@pytest.mark.integration
@pytest.mark.shared_json
def test_cdktn_writes_the_json_of_cdktf_except_the_cdk_version(tmp_path: Path):
    """The default stack, every example and a 10-pipeline stack, synthesized in both
    environments (``tests/synth_all.py``): only ``"//".metadata.version`` differs."""
    cdktn = _cdktn_python()
    if cdktn is None:
        message = "no CDK Terrain environment (.venv-cdktn or SNOWSSI_CDKTN_PYTHON)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    assert FLAVOUR == "cdktf", "runs in the CDKTF environment"
    pythons = {"cdktf": Path(sys.executable), "cdktn": cdktn}
    with ThreadPoolExecutor(2) as pool:
        for future in [
            pool.submit(_synth_all, python, tmp_path / flavour)
            for flavour, python in pythons.items()
        ]:
            future.result()
    modes = {f: json.loads((tmp_path / f / "modes.json").read_text()) for f in pythons}
    assert {f: modes[f]["flavour"] for f in pythons} == {"cdktf": "cdktf", "cdktn": "cdktn"}
    written = {f: _documents(tmp_path / f) for f in pythons}
    cases = {name.split("/")[0] for name in written["cdktf"]}
    assert cases == {"default", "pipelines-10"} | {f"example-{name}" for name in EXAMPLES}
    assert sorted(written["cdktf"]) == sorted(written["cdktn"])
    for name, document in written["cdktf"].items():
        other = written["cdktn"][name]
        assert document["//"]["metadata"].pop("version") == "0.21.0"
        assert other["//"]["metadata"].pop("version") == "0.24.0"
        assert other == document, name


def _synth_all(python: Path, outdir: Path) -> None:
    outdir.mkdir()
    completed = subprocess.run(
        [str(python), "-m", "tests.synth_all", str(outdir)],
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-5000:]
    assert completed.stderr == ""


def _documents(outdir: Path) -> dict[str, Any]:
    return {
        str(path.relative_to(outdir)): json.loads(path.read_text())
        for path in sorted(outdir.rglob("cdk.tf.json"))
    }
