"""Construction-time checks of values given in Python, each naming the prop.

The package is split by what a rule knows: :mod:`.problems` collects problems and
raises them as one error, :mod:`.python_types` checks types and presence, and
:mod:`.aws`, :mod:`.snowflake` and :mod:`.terraform` hold each platform's rules.
Everything public is importable from here (``validation.bucket_name``).

The rules share one shape on purpose (the shared prelude :func:`.python_types.literal_text`,
one test, one error whose message states that rule): a table-driven rule would save a
few lines and lose the message each rule owes the user.
"""

from .aws import (
    AWS_PARTITIONS,
    BUCKET_RESERVED_PREFIXES,
    BUCKET_RESERVED_SUFFIXES,
    account_id,
    arn,
    aws_region,
    bucket_name,
    iam_name,
    iam_role_arn,
    kms_alias_name,
    kms_key_arn,
    kms_key_id,
    s3_backend_key,
    s3_url,
    sns_topic_arn,
    sqs_queue_arn,
)
from .problems import (
    Problem,
    ProblemKind,
    Problems,
    PropError,
    PropTypeAndValueError,
    PropTypeError,
    PropValueError,
    error_for,
    is_token,
)
from .python_types import (
    boolean,
    choice,
    instance_of,
    integer,
    non_empty_string,
    only_where,
    require,
    string,
    string_sequence,
    unique,
)
from .snowflake import (
    MAX_SCHEDULE_MINUTES,
    SERVERLESS_TASK_SIZES,
    SYSTEM_ROLES,
    WAREHOUSE_SIZES,
    account_role_name,
    serverless_task_size,
    snowflake_identifier,
    snowflake_pattern,
    warehouse_size,
)
from .terraform import VERSION_OPERATORS, name_suffix, terraform_name, version_constraint

__all__ = [
    "AWS_PARTITIONS",
    "BUCKET_RESERVED_PREFIXES",
    "BUCKET_RESERVED_SUFFIXES",
    "MAX_SCHEDULE_MINUTES",
    "SERVERLESS_TASK_SIZES",
    "SYSTEM_ROLES",
    "VERSION_OPERATORS",
    "WAREHOUSE_SIZES",
    "Problem",
    "ProblemKind",
    "Problems",
    "PropError",
    "PropTypeAndValueError",
    "PropTypeError",
    "PropValueError",
    "account_id",
    "account_role_name",
    "arn",
    "aws_region",
    "boolean",
    "bucket_name",
    "choice",
    "error_for",
    "iam_name",
    "iam_role_arn",
    "instance_of",
    "integer",
    "is_token",
    "kms_alias_name",
    "kms_key_arn",
    "kms_key_id",
    "name_suffix",
    "non_empty_string",
    "only_where",
    "require",
    "s3_backend_key",
    "s3_url",
    "serverless_task_size",
    "snowflake_identifier",
    "snowflake_pattern",
    "sns_topic_arn",
    "sqs_queue_arn",
    "string",
    "string_sequence",
    "terraform_name",
    "unique",
    "version_constraint",
    "warehouse_size",
]
