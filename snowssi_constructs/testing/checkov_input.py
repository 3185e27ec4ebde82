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

The copy also renders every policy. The stacks write each IAM, KMS, S3 and SNS policy
as an HCL expression, ``"${jsonencode({...})}"``, which checkov does not evaluate: its
policy checks then read no document and pass, whatever the policy allows. In the copy,
each such value is the document itself (:mod:`.hcl_object`), with references left as
``${...}`` strings:

- as JSON text, which is what checkov's policy checks parse (CKV_AWS_60 and CKV_AWS_61
  on trust policies, CKV_AWS_62 and CKV_AWS_63 on identity policies, CKV_AWS_70 on
  bucket policies, ...);
- except a KMS key's ``policy``, which CKV_AWS_33 (no wildcard principal) reads only
  as an object, never as text, and after the ``terraform_json`` conversion, which
  wraps every value in a list, recognizes only the principal ``"*"``. There it is an
  object, each principal that includes ``"*"`` written ``"*"`` (which means the same to
  IAM), without the Deny statements the check skips (the conversion would hide their
  effect from it). Nothing else checkov runs reads a key policy's content.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .hcl_object import HclSyntaxError, is_jsonencode, jsonencode_argument

# Top-level blocks checkov's terraform_json parser cannot read.
UNPARSABLE_BY_CHECKOV = ("moved", "import", "removed")
# (resource type, argument) of the policies checkov reads only as an object.
READ_AS_OBJECT = {("aws_kms_key", "policy")}
WILDCARD = "*"


def scannable(text: str) -> str:
    """``text`` (one stack's ``cdk.tf.json``) without what checkov cannot parse, with
    every ``${jsonencode(...)}`` value rendered as checkov reads it."""
    document = json.loads(text)
    for block in UNPARSABLE_BY_CHECKOV:
        document.pop(block, None)
    document.get("terraform", {}).pop("required_version", None)
    for block in ("resource", "data"):
        for resource_type, declared in document.get(block, {}).items():
            for address, arguments in declared.items():
                _render_policies(f"{resource_type}.{address}", resource_type, arguments)
    return json.dumps(document, indent=2)


def _render_policies(address: str, resource_type: str, arguments: dict[str, Any]) -> None:
    """Each ``${jsonencode(...)}`` argument of one resource, rendered in place.

    :raises HclSyntaxError: an argument is not of the grammar cdktf writes (the scan
        would not read it, so it is an error, naming the argument, not a silent pass).
    """
    for name, value in arguments.items():
        if not is_jsonencode(value):
            continue
        try:
            policy = jsonencode_argument(value)
        except HclSyntaxError as error:
            raise HclSyntaxError(f"{address}.{name}: {error}") from error
        if (resource_type, name) in READ_AS_OBJECT and isinstance(policy, dict):
            arguments[name] = key_policy_for_ckv_aws_33(policy)
        else:
            arguments[name] = json.dumps(policy)


def key_policy_for_ckv_aws_33(policy: dict[str, Any]) -> dict[str, Any]:
    """``policy`` as CKV_AWS_33 can judge it after checkov's conversion: Allow statements
    only, each principal that includes ``"*"`` (``{"AWS": "*"}``, ``{"AWS": [..., "*"]}``)
    written ``"*"``."""
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    kept = []
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") == "Deny":
            continue
        statement = dict(statement)
        if _includes_wildcard(statement.get("Principal")):
            statement["Principal"] = WILDCARD
        kept.append(statement)
    return {**policy, "Statement": kept}


def _includes_wildcard(principal: object) -> bool:
    if isinstance(principal, dict):
        return any(_includes_wildcard(value) for value in principal.values())
    if isinstance(principal, list):
        return WILDCARD in principal
    return principal == WILDCARD


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
