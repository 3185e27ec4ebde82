"""AWS rules: S3 bucket names and URLs, ARNs, regions, KMS and IAM names."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .problems import Problem, error_for, fail
from .python_types import literal_string, literal_text, require

# S3 general purpose buckets (AWS's "General purpose bucket naming rules"). "sthree-"
# also covers the separately listed "sthree-configurator".
BUCKET_RESERVED_PREFIXES: tuple[str, ...] = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_RESERVED_SUFFIXES: tuple[str, ...] = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
# S3 object keys are at most 1024 bytes of UTF-8.
S3_KEY_MAX_BYTES = 1024

# The partitions an ARN can name (standard, China, GovCloud, the isolated ones and the
# European Sovereign Cloud).
AWS_PARTITIONS: tuple[str, ...] = (
    "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc",
)  # fmt: skip

_BUCKET_CHARACTERS = re.compile(r"^[a-z0-9.-]*$")
_LETTER_OR_DIGIT = re.compile(r"[a-z0-9]")
_IP_ADDRESS = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
# us-east-1, us-gov-west-1, cn-north-1, us-isob-east-1, eusc-de-east-1.
_REGION = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$")
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
_KMS_KEY_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_KMS_MULTI_REGION_KEY = r"mrk-[0-9a-f]{32}"
_KMS_ALIAS = r"alias/[A-Za-z0-9/_-]+"
_KMS_KEY_RESOURCE = re.compile(rf"^key/(?:{_KMS_KEY_UUID}|{_KMS_MULTI_REGION_KEY})$")
_KMS_KEY_OR_ALIAS_RESOURCE = re.compile(
    rf"^(?:key/(?:{_KMS_KEY_UUID}|{_KMS_MULTI_REGION_KEY})|{_KMS_ALIAS})$"
)
_KMS_KEY_ID = re.compile(rf"^(?:{_KMS_KEY_UUID}|{_KMS_MULTI_REGION_KEY}|{_KMS_ALIAS})$")
# IAM: role/<name> or role/<path>/<name>; path characters are printable ASCII.
_IAM_ROLE_RESOURCE = re.compile(r"^role/(?:[!-~]*/)?[\w+=,.@-]{1,64}$")
_IAM_NAME = re.compile(r"^[\w+=,.@-]+$")
# SQS queue names: up to 80 characters, ".fifo" counted, for FIFO queues.
# An SNS topic name: up to 256 letters, digits, '_' and '-' (a FIFO topic's ends in '.fifo').
_SNS_TOPIC_RESOURCE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_SQS_QUEUE_RESOURCE = re.compile(r"^(?:[A-Za-z0-9_-]{1,75}\.fifo|[A-Za-z0-9_-]{1,80})$")


def bucket_name(prop: str, value: str) -> str:
    """A general purpose S3 bucket name; every rule it breaks is reported at once."""
    if not literal_text(prop, value):
        return value
    problems = [
        Problem(prop, f"an S3 bucket name {rule}, got {value!r}")
        for rule in _bucket_name_violations(value)
    ]
    if problems:
        raise error_for(problems)
    return value


def _bucket_name_violations(name: str) -> Iterable[str]:
    if not 3 <= len(name) <= 63:
        yield f"must be 3 to 63 characters long (is {len(name)})"
    if not _BUCKET_CHARACTERS.match(name):
        others = "".join(sorted({c for c in name if not _BUCKET_CHARACTERS.match(c)}))
        yield f"may hold only lowercase letters, digits, '.' and '-' (not {others!r})"
    if not (_LETTER_OR_DIGIT.match(name[0]) and _LETTER_OR_DIGIT.match(name[-1])):
        yield "must begin and end with a lowercase letter or digit"
    if ".." in name:
        yield "must not contain two adjacent periods ('..')"
    if _IP_ADDRESS.match(name):
        yield "must not be formatted as an IP address"
    for prefix in BUCKET_RESERVED_PREFIXES:
        if name.startswith(prefix):
            yield f"must not start with the reserved prefix {prefix!r}"
    for suffix in BUCKET_RESERVED_SUFFIXES:
        if name.endswith(suffix):
            yield f"must not end with the reserved suffix {suffix!r}"


def s3_url(prop: str, value: object) -> None:
    """An ``s3://bucket/...`` location."""
    if literal_string(prop, value) and not str(value).startswith("s3://"):
        raise fail(prop, f"an S3 stage URL must start with 's3://', got {value!r}")


def s3_backend_key(prop: str, value: str) -> str:
    """The object key of Terraform's s3 backend.

    Not empty, no leading or trailing '/' (the backend rejects both), no '//', at most
    1024 bytes (S3's limit).
    """
    if not literal_text(prop, value):
        return value
    rules = []
    if value.startswith("/") or value.endswith("/"):
        rules.append("must not start or end with '/'")
    if "//" in value:
        rules.append("must not contain '//'")
    if len(value.encode("utf-8")) > S3_KEY_MAX_BYTES:
        rules.append(f"must be at most {S3_KEY_MAX_BYTES} bytes long")
    if rules:
        raise error_for([Problem(prop, f"a state key {rule}, got {value!r}") for rule in rules])
    return value


def aws_region(prop: str, value: str) -> str:
    """The shape of an AWS region name (``us-east-1``, ``us-gov-west-1``)."""
    if not literal_string(prop, value):
        return value
    if not _REGION.match(value):
        raise fail(prop, f"expected an AWS region such as 'us-east-1', got {value!r}")
    return value


def account_id(prop: str, value: object) -> None:
    """A 12-digit AWS account id."""
    if literal_string(prop, value) and not _ACCOUNT_ID.match(str(value)):
        raise fail(prop, f"an AWS account id is 12 digits, got {value!r}")


def arn(
    prop: str,
    value: str,
    *,
    service: str,
    resource: re.Pattern[str] | None = None,
    resource_shape: str = "",
    regional: bool = True,
) -> str:
    """``arn:<partition>:<service>:<region>:<12-digit account>:<resource>``.

    Every part that is wrong is reported.

    :param service: the service the ARN must name (``sqs``, ``kms``, ``iam``).
    :param resource: the pattern the resource part must match, shown as
        ``resource_shape`` (``key/<key id>``) in the message.
    :param regional: False for a global service (IAM), whose ARNs have an empty region.
    """
    if not literal_string(prop, value):
        return value
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        raise fail(
            prop,
            f"expected an ARN of the form arn:<partition>:{service}:<region>:<account>:"
            f"{resource_shape or '<resource>'}, got {value!r}",
        )
    _, partition, named_service, region, account, resource_part = parts
    problems: list[str] = []
    if partition not in AWS_PARTITIONS:
        problems.append(f"partition must be one of {', '.join(AWS_PARTITIONS)}, not {partition!r}")
    if named_service != service:
        problems.append(f"must be an ARN of service {service!r}, not {named_service!r}")
    if regional and not _REGION.match(region):
        problems.append(f"region must be an AWS region such as 'us-east-1', not {region!r}")
    if not regional and region:
        problems.append(f"region must be empty for {service!r}, not {region!r}")
    if not _ACCOUNT_ID.match(account):
        problems.append(f"account must be 12 digits, not {account!r}")
    if resource is not None and not resource.match(resource_part):
        problems.append(f"resource must look like {resource_shape!r}, not {resource_part!r}")
    if problems:
        raise error_for([Problem(prop, f"ARN {value!r}: {problem}") for problem in problems])
    return value


def sqs_queue_arn(prop: str, value: str) -> str:
    """An SQS queue's ARN (a Snowflake stage's notification channel is one)."""
    return arn(
        prop, value, service="sqs", resource=_SQS_QUEUE_RESOURCE, resource_shape="<queue name>"
    )


def sns_topic_arn(prop: str, value: str) -> str:
    """A standard SNS topic's ARN. A FIFO topic (``....fifo``) is refused: Snowflake
    supports only standard topics for error notifications, and those sent to a FIFO
    topic fail silently (Snowflake docs: Enabling error notifications for tasks using
    AWS SNS)."""
    if literal_text(prop, value) and value.endswith(".fifo"):
        raise fail(
            prop,
            "Snowflake cannot publish error notifications to a FIFO topic; give a "
            f"standard SNS topic, got {value!r}",
        )
    return arn(
        prop, value, service="sns", resource=_SNS_TOPIC_RESOURCE, resource_shape="<topic name>"
    )


def kms_key_arn(prop: str, value: str) -> str:
    """A KMS key's ARN (``...:key/<key id>``; an alias ARN names no key to grant on)."""
    return arn(
        prop, value, service="kms", resource=_KMS_KEY_RESOURCE, resource_shape="key/<key id>"
    )


def iam_role_arn(prop: str, value: str) -> str:
    """An IAM role's ARN (``arn:aws:iam::<account>:role/<path/><name>``)."""
    return arn(
        prop,
        value,
        service="iam",
        resource=_IAM_ROLE_RESOURCE,
        resource_shape="role/<name>",
        regional=False,
    )


def kms_key_id(prop: str, value: str) -> str:
    """What S3 and Terraform's s3 backend accept as a KMS key.

    A key id, a multi-Region key id (``mrk-...``), an alias (``alias/...``), or the ARN
    of a key or an alias.
    """
    if not literal_text(prop, value):
        return value
    if value.startswith("arn:"):
        return arn(
            prop,
            value,
            service="kms",
            resource=_KMS_KEY_OR_ALIAS_RESOURCE,
            resource_shape="key/<key id> or alias/<name>",
        )
    if not _KMS_KEY_ID.match(value):
        raise fail(
            prop,
            "expected a KMS key id (1234abcd-12ab-34cd-56ef-1234567890ab or mrk-...), an "
            f"alias (alias/<name>) or a key or alias ARN, got {value!r}",
        )
    return value


def kms_alias_name(prop: str, value: object) -> None:
    """``alias/<name>``, not in the ``alias/aws/`` namespace AWS keeps for itself."""
    if not literal_string(prop, value):
        return
    text = str(value)
    if not re.fullmatch(_KMS_ALIAS, text) or text.startswith("alias/aws/"):
        raise fail(
            prop,
            "a KMS alias is 'alias/' then letters, digits, '/', '_' and '-', and not "
            f"'alias/aws/...', got {text!r}",
        )


def iam_name(prop: str, value: object, *, max_length: int) -> None:
    """An IAM role or policy name: letters, digits and ``+=,.@_-``, up to ``max_length``."""
    if not literal_string(prop, value):
        return
    text = str(value)
    require(prop, text)
    if len(text) > max_length or not _IAM_NAME.match(text):
        raise fail(
            prop,
            f"an IAM name holds 1 to {max_length} letters, digits and '+=,.@_-', got {text!r}",
        )
