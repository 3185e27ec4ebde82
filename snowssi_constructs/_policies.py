"""What the stack's IAM, KMS and S3 policy documents share."""

from __future__ import annotations

from typing import Any

POLICY_VERSION = "2012-10-17"
# The lowest TLS version a bucket accepts under require_tls (AWS's S3 guidance: 1.2).
MINIMUM_TLS_VERSION = "1.2"


def tls_only_statements(resources: list[str]) -> list[dict[str, Any]]:
    """Two statements that deny every S3 action on ``resources`` to everyone when the
    request is not made over TLS (``aws:SecureTransport``) or uses a TLS version below
    ``MINIMUM_TLS_VERSION`` (``s3:TlsVersion``). A Deny holds for every principal,
    the bucket owner's included, whatever else a policy allows."""

    def deny(sid: str, condition: dict[str, Any]) -> dict[str, Any]:
        return {
            "Sid": sid,
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": resources,
            "Condition": condition,
        }

    return [
        deny("DenyRequestsWithoutTls", {"Bool": {"aws:SecureTransport": "false"}}),
        deny("DenyTlsBelow12", {"NumericLessThan": {"s3:TlsVersion": MINIMUM_TLS_VERSION}}),
    ]
