"""Fast jsii loading (``snowssi_constructs._startup``) changes speed, never output.

The correctness guard runs ``tests/synth_all.py`` (the default stack, every example and a
10-pipeline stack) in two processes, one on the fast path and one with
``SNOWSSI_PLAIN_IMPORTS=1``, and requires byte-identical JSON. Two more processes check
the fallbacks: a binding the shortcut cannot load, and a fast kernel start that fails.
The four run concurrently, once per session; on CDKTF the plain one takes the longest
(the bindings' full import, 15 s or more). The same tests run on either flavour; the
shallow roots exist only for the CDKTF bindings (the cdktn roots are lazy already).
"""

from __future__ import annotations

import base64
import difflib
import importlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import jsii
import pytest
from jsii import _reference_map
from jsii._kernel.types import CreateRequest

from snowssi_constructs._flavour import FLAVOUR, MODULES, cdktf
from snowssi_constructs._startup import kernel, runtime
from tests.support import EXAMPLES, ROOT

App = cdktf.App
TerraformStack = cdktf.TerraformStack
Testing = cdktf.Testing

TIMEOUT = 900
POSIX = sys.platform != "win32"
BINDINGS = MODULES[FLAVOUR][1:]
AWS = BINDINGS[0]
# What the fast path reports for the binding roots: only CDKTF's get shallow roots.
SHALLOW = FLAVOUR == "cdktf"
# Broken on purpose in the binding fallback process: the smallest binding, so its plain
# import is cheap.
BROKEN_BINDING = BINDINGS[-1]
# The kernel fallback process runs on this stand-in for node, which fails to start the
# fast kernel's entry script and runs everything else on the real node.
FAILING_NODE = """#!/bin/sh
for argument in "$@"; do
  case "$argument" in *snowssi-runtime.js) echo "simulated failure" >&2; exit 1;; esac
done
exec "$REAL_NODE" "$@"
"""

FALLBACK_SCRIPT = textwrap.dedent(
    """
    import json, sys, warnings

    from snowssi_constructs._startup import roots, runtime

    BROKEN = sys.argv[2] if len(sys.argv) > 2 else None
    layout = roots.layout

    def broken_layout(name, spec):
        # The shortcut finds this binding laid out in a way it does not expect.
        if name == BROKEN:
            raise roots.LayoutError("simulated")
        return layout(name, spec)

    roots.layout = broken_layout
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import snowssi_constructs
        from snowssi_constructs import SnowSSIStack
        from snowssi_constructs._flavour import cdktf

        app = cdktf.App(outdir=sys.argv[1], stack_traces=False)
        SnowSSIStack(app, "snowssi")
        app.synth()
    print(json.dumps({
        "warnings": [
            str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)
        ],
        "load_modes": runtime.load_modes(),
        "kernel": runtime.kernel_mode(),
    }))
    """
)


def _environment(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in (runtime.PLAIN_IMPORTS_ENV, runtime.PLAIN_KERNEL_ENV)
    }
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def processes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run the fast, plain and fallback processes concurrently; their output dirs."""
    base = tmp_path_factory.mktemp("fast-loading")
    failing_node = base / "failing-node"
    failing_node.write_text(FAILING_NODE)
    failing_node.chmod(0o755)
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "fast": ([sys.executable, "-m", "tests.synth_all", "{outdir}"], _environment()),
        "plain": (
            [sys.executable, "-m", "tests.synth_all", "{outdir}"],
            _environment(**{runtime.PLAIN_IMPORTS_ENV: "1"}),
        ),
    }
    if SHALLOW:
        commands["binding-fallback"] = (
            [sys.executable, "-c", FALLBACK_SCRIPT, "{outdir}", BROKEN_BINDING],
            _environment(),
        )
    if POSIX:  # the failing node is a shell script; the fast kernel is POSIX-only anyway
        commands["kernel-fallback"] = (
            [sys.executable, "-c", FALLBACK_SCRIPT, "{outdir}"],
            _environment(JSII_NODE=str(failing_node), REAL_NODE=os.environ["JSII_NODE"]),
        )
    running = {}
    for name, (command, env) in commands.items():
        outdir = base / name
        outdir.mkdir()
        with open(base / f"{name}.out", "wb") as out, open(base / f"{name}.err", "wb") as err:
            running[name] = subprocess.Popen(
                [str(outdir) if part == "{outdir}" else part for part in command],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=err,
            )
    try:
        for name, process in running.items():
            returncode = process.wait(timeout=TIMEOUT)
            stderr = (base / f"{name}.err").read_text(errors="replace")
            assert returncode == 0, f"{name} process failed:\n{stderr[-5000:]}"
    finally:
        for process in running.values():
            if process.poll() is None:
                process.kill()
                process.wait()
    return {name: base / name for name in commands} | {"base": base}


def _stack_files(outdir: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(outdir)): path.read_bytes()
        for path in sorted(outdir.rglob("cdk.tf.json"))
    }


def _modes(outdir: Path) -> dict[str, Any]:
    return json.loads((outdir / "modes.json").read_text())


@pytest.mark.integration
def test_fast_and_plain_paths_write_byte_identical_json(processes):
    fast = _stack_files(processes["fast"])
    plain = _stack_files(processes["plain"])
    cases = {name.split("/")[0] for name in fast}
    assert cases == {"default", "pipelines-10"} | {f"example-{name}" for name in EXAMPLES}
    assert sorted(fast) == sorted(plain)
    for name, text in fast.items():
        if text != plain[name]:
            diff = difflib.unified_diff(
                plain[name].decode().splitlines(),
                text.decode().splitlines(),
                f"plain/{name}",
                f"fast/{name}",
                lineterm="",
            )
            pytest.fail(f"{name} differs:\n" + "\n".join(list(diff)[:60]))


@pytest.mark.integration
def test_each_process_took_the_path_it_was_asked_for(processes):
    fast = _modes(processes["fast"])
    plain = _modes(processes["plain"])
    assert fast["load_modes"] == (dict.fromkeys(BINDINGS, "fast") if SHALLOW else {})
    assert fast["kernel"] == "fast"
    assert plain["load_modes"] == (dict.fromkeys(BINDINGS, "plain") if SHALLOW else {})
    assert plain["kernel"] == "plain"
    # The fast path imports only the submodules the constructs use; on CDKTF the plain
    # path imports all of them (about 2,200 for aws alone).
    assert len(_public_submodules(fast)) < 40
    if SHALLOW:
        assert len(_public_submodules(plain)) > 2000


def _public_submodules(modes: dict[str, Any]) -> set[str]:
    return {
        name
        for name in modes["binding_submodules"]
        if name.count(".") == 1 and not name.split(".")[1].startswith("_")
    }


def _fallback_report(processes: dict[str, Path], name: str) -> dict[str, Any]:
    return json.loads((processes["base"] / f"{name}.out").read_text().strip().splitlines()[-1])


@pytest.mark.integration
@pytest.mark.cdktf_only
@pytest.mark.skipif(not SHALLOW, reason="only the CDKTF bindings get shallow roots")
def test_a_binding_the_shortcut_cannot_load_is_imported_plainly_with_one_warning(processes):
    report = _fallback_report(processes, "binding-fallback")
    assert len(report["warnings"]) == 1, report["warnings"]
    assert BROKEN_BINDING in report["warnings"][0]
    assert "plain way" in report["warnings"][0]
    assert report["load_modes"] == dict.fromkeys(BINDINGS, "fast") | {BROKEN_BINDING: "plain"}
    assert report["kernel"] == "fast"
    assert _stack_files(processes["binding-fallback"]) == _stack_files(
        processes["fast"] / "default"
    )


@pytest.mark.integration
@pytest.mark.skipif(not POSIX, reason="the fast kernel start is POSIX-only")
def test_a_failing_fast_kernel_start_falls_back_to_jsii_s_own_with_one_warning(processes):
    report = _fallback_report(processes, "kernel-fallback")
    assert len(report["warnings"]) == 1, report["warnings"]
    assert "jsii kernel the fast way failed" in report["warnings"][0]
    assert report["kernel"] == "plain"
    assert report["load_modes"] == (dict.fromkeys(BINDINGS, "fast") if SHALLOW else {})
    assert _stack_files(processes["kernel-fallback"]) == _stack_files(processes["fast"] / "default")
    # The failed node process was cleaned up: no broken-pipe trace at exit.
    stderr = (processes["base"] / "kernel-fallback.err").read_text(errors="replace")
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr


# In this process (the fast path is on unless the whole run uses SNOWSSI_PLAIN_IMPORTS=1).
fast_path_only = pytest.mark.skipif(
    runtime.load_modes().get("cdktf_cdktf_provider_aws") != "fast",
    reason="no shallow aws root in this process (CDK Terrain, or plain imports)",
)


@pytest.mark.cdktf_only
@fast_path_only
def test_attribute_access_on_the_bare_root_imports_the_submodule():
    import cdktf_cdktf_provider_aws as aws
    from cdktf_cdktf_provider_aws.kms_key import KmsKey

    assert aws.kms_key.KmsKey is KmsKey
    assert "kms_key" in aws.__all__
    from cdktf_cdktf_provider_aws import s3_bucket_versioning

    assert s3_bucket_versioning.S3BucketVersioningA.__name__ == "S3BucketVersioningA"
    assert not hasattr(aws, "no_such_submodule")
    with pytest.raises(ImportError):
        from cdktf_cdktf_provider_aws import no_such_submodule  # noqa: F401


def test_a_plain_submodule_import_works_beside_the_library():
    from snowssi_constructs import SnowSSIStack

    S3Bucket = importlib.import_module(f"{AWS}.s3_bucket").S3Bucket

    app = Testing.app()
    stack = SnowSSIStack(app, "snowssi")
    S3Bucket(stack, "users_bucket", bucket="users-own-bucket")
    document = json.loads(Testing.synth(stack))
    assert document["resource"]["aws_s3_bucket"]["users_bucket"]["bucket"] == "users-own-bucket"
    assert {"inbound_bucket", "outbound_bucket"} <= set(document["resource"]["aws_s3_bucket"])


# Submodules neither the library nor the other tests use; the test takes the first one
# this process has not imported.
UNUSED_SUBMODULES = ("sqs_queue", "sns_topic", "dynamodb_table", "ecr_repository", "glue_job")


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)


@pytest.mark.cdktf_only
@fast_path_only
def test_an_object_made_in_javascript_from_an_unimported_submodule_resolves():
    submodule = next(
        name for name in UNUSED_SUBMODULES if f"cdktf_cdktf_provider_aws.{name}" not in sys.modules
    )
    module_fqn = f"@cdktf/provider-aws.{_camel(submodule)}"
    class_name = _camel(submodule)[:1].upper() + _camel(submodule)[1:]
    stack = TerraformStack(App(), "made_in_javascript")
    # Created by the kernel directly, so Python has no proxy for it yet: the stack's
    # child lookup returns a reference to an object of a class Python never loaded.
    jsii.kernel.provider.create(
        CreateRequest(fqn=f"{module_fqn}.{class_name}", args=[stack.__jsii_ref__, "made_in_js", {}])
    )
    # Without the FQN table entry the runtime cannot tell which module to import.
    entry = _reference_map._submodule_fqn_map.pop(module_fqn)
    try:
        with pytest.raises(ValueError, match="Unknown type"):
            stack.node.find_child("made_in_js")
    finally:
        _reference_map._submodule_fqn_map[module_fqn] = entry
    assert f"cdktf_cdktf_provider_aws.{submodule}" not in sys.modules

    child = stack.node.find_child("made_in_js")

    assert type(child).__module__ == f"cdktf_cdktf_provider_aws.{submodule}"
    assert type(child).__name__ == class_name
    assert child.node.id == "made_in_js"


@pytest.mark.skipif(
    runtime.kernel_mode() != "fast", reason="this process started the kernel the plain way"
)
def test_the_kernel_start_leaves_the_environment_as_it_was():
    assert "JSII_RUNTIME" not in os.environ
    assert not [name for name in os.environ if name.startswith("SNOWSSI_JSII_")]
    assert "--preserve-symlinks" not in os.environ.get("NODE_OPTIONS", "")


@pytest.mark.integration
@pytest.mark.skipif(not POSIX, reason="the fast kernel start is POSIX-only")
def test_the_kernel_script_relays_console_output_and_restores_node_options(tmp_path: Path):
    """The fast kernel's entry script, around a stand-in for jsii's lib/program.js."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "lib").mkdir()
    script = tmp_path / "bin" / "runtime.js"
    script.write_text(kernel.SCRIPT.read_text())
    (tmp_path / "lib" / "program.js").write_text(
        textwrap.dedent(
            """
            const fs = require("fs");
            console.log("to stdout");
            console.error("to stderr");
            const buffer = Buffer.alloc(100);
            const length = fs.readSync(3, buffer, 0, 100, null);
            fs.writeSync(3, "echo " + buffer.subarray(0, length).toString());
            fs.writeSync(3, JSON.stringify({
              nodeOptions: process.env.NODE_OPTIONS ?? null,
              runtime: process.env.JSII_RUNTIME ?? null,
              parameters: Object.keys(process.env).filter((k) => k.startsWith("SNOWSSI_JSII_")),
              execArgv: process.execArgv,
            }) + "\\n");
            """
        )
    )
    env = _environment(
        NODE_OPTIONS="--max-semi-space-size=8 --preserve-symlinks",
        JSII_RUNTIME=str(script),
        SNOWSSI_JSII_NODE_OPTIONS=json.dumps("--max-semi-space-size=8"),
        SNOWSSI_JSII_LAZY_PACKAGES="[]",
    )
    completed = subprocess.run(
        [os.environ["JSII_NODE"], str(script)],
        input=b"request\n",
        capture_output=True,
        env=env,
        timeout=60,
        check=True,
    )
    # Requests and responses on stdin and stdout (fd 3 of the kernel)...
    echo, state = completed.stdout.decode().splitlines()
    assert echo == "echo request"
    assert json.loads(state) == {
        "nodeOptions": "--max-semi-space-size=8",
        "runtime": None,
        "parameters": [],
        "execArgv": ["--preserve-symlinks"],
    }
    # ...and console output as the JSON lines jsii's Python side decodes from stderr.
    console = [json.loads(line) for line in completed.stderr.decode().splitlines()]
    assert console == [
        {"stdout": base64.b64encode(b"to stdout\n").decode()},
        {"stderr": base64.b64encode(b"to stderr\n").decode()},
    ]
