"""The synthesized JSON as checkov's ``terraform_json`` framework can read it.

checkov 3.3.30's ``terraform_json`` parser cannot read some blocks cdktf writes: a string
``terraform.required_version`` and the list-shaped ``moved``, ``import`` and ``removed``
(checkov issue #7454; "this method receives only dicts"). The whole file is then a
parsing error, no check runs, and checkov exits 0. The stacks declare them (``moved``
keeps the HCL module's state addresses; ``import`` and ``removed`` are the one-time
upgrade to the current provider generation), so this writes a copy of each stack's JSON
without them, for checkov to scan:

    python -m snowssi_constructs.testing.checkov_input cdktf.out checkov-input
    checkov --directory checkov-input --framework terraform_json

None of these blocks holds a resource or a setting checkov checks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# Top-level blocks checkov's terraform_json parser cannot read.
UNPARSABLE_BY_CHECKOV = ("moved", "import", "removed")


def scannable(text: str) -> str:
    """``text`` (one stack's ``cdk.tf.json``) without what checkov cannot parse."""
    document = json.loads(text)
    for block in UNPARSABLE_BY_CHECKOV:
        document.pop(block, None)
    document.get("terraform", {}).pop("required_version", None)
    return json.dumps(document, indent=2)


def write_scannable(outdir: Path, target: Path) -> list[Path]:
    """For each stack of a synthesized ``outdir`` (``outdir/stacks/<stack>/cdk.tf.json``),
    a scannable copy at ``target/<stack>/cdk.tf.json``; the copies' paths.

    :raises FileNotFoundError: ``outdir`` holds no stack.
    """
    written = []
    for source in sorted(outdir.glob("stacks/*/cdk.tf.json")):
        copy = target / source.parent.name / "cdk.tf.json"
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(scannable(source.read_text(encoding="utf-8")), encoding="utf-8")
        written.append(copy)
    if not written:
        raise FileNotFoundError(f"no stacks/*/cdk.tf.json in {outdir}: synthesize first")
    return written


def main(argv: list[str]) -> int:
    """``python -m snowssi_constructs.testing.checkov_input OUTDIR TARGET``."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    for path in write_scannable(Path(argv[0]), Path(argv[1])):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
