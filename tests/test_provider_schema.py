"""Every resource, data source and provider block of the synthesized JSON, checked
against the provider schemas the pinned bindings were generated from.

Terraform cannot load the snowflake, random and time providers here, so the schema
comes from each binding package's jsii assembly (``_jsii/*.jsii.tgz``): a resource class
documents its Terraform type, its ``...Config`` struct lists the arguments (required
unless ``optional``) and the structs of its nested blocks, recursively. Escape hatches
(``add_override``, raw dicts) bypass the bindings' typing; this catches what they get
wrong: unknown attributes or blocks, and missing required attributes.

The aws assembly's ``.jsii`` is a 129 MB JSON document. Parsing all of it costs about
4 s, so the checker only decompresses it, indexes the class summaries with one regular
expression and decodes the few type definitions a stack uses (``raw_decode`` at the
type's offset).
"""

from __future__ import annotations

import importlib.util
import json
import re
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from snowssi_constructs import EncryptedBucket, PipelineKey
from snowssi_constructs._flavour import aws, cdktf
from tests.support import EXAMPLES
from tests.terraform_env import synthesized_texts
from tests.test_snapshots import OPTIONS, option_text

App = cdktf.App
TerraformStack = cdktf.TerraformStack
AwsProvider = aws.provider.AwsProvider

# The JSON both flavours share: checked once, on CDKTF (see dev.py).
pytestmark = pytest.mark.shared_json

PACKAGES = {
    "aws": "cdktf_cdktf_provider_aws",
    "snowflake": "cdktf_cdktf_provider_snowflake",
    "random": "cdktf_cdktf_provider_random",
    "time": "cdktf_cdktf_provider_time",
}
# Meta-arguments of resources and data sources; not part of a provider's schema.
META_ARGUMENTS = frozenset(
    {"//", "depends_on", "lifecycle", "provider", "count", "for_each", "connection", "provisioner"}
)
PROVIDER_META_ARGUMENTS = frozenset({"//", "alias"})

_SUMMARY = re.compile(
    r'"summary": "Represents a \{@link https://registry\.terraform\.io/providers/\S+?/docs'
    r"(?:/(resources|data-sources)/[\w-]+)? (\w+)\}\.\""
)
_TF_NAME = re.compile(r"\{@link \S+#(\w+) \w+#\w+\}")
_TYPE_KEY = '\n    "'
KINDS = {"resources": "resource", "data-sources": "data", "": "provider"}


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@dataclass
class Argument:
    name: str
    required: bool
    block: str | None  # fqn of the nested block's struct, None for a plain attribute


@dataclass
class Struct:
    fqn: str
    arguments: dict[str, Argument]

    @property
    def required(self) -> set[str]:
        return {name for name, argument in self.arguments.items() if argument.required}


@dataclass
class Assembly:
    """One binding's jsii assembly, decoded on demand."""

    package: str
    text: str
    name: str
    provider_version: str
    load_seconds: float
    classes: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, type) -> offset
    structs: dict[str, Struct] = field(default_factory=dict)

    @classmethod
    def load(cls, package: str) -> Assembly:
        start = time.monotonic()
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.submodule_search_locations, package
        (archive,) = Path(next(iter(spec.submodule_search_locations)), "_jsii").glob("*.jsii.tgz")
        with tarfile.open(archive, "r:gz") as tar:
            manifest = json.load(_member(tar, "package/package.json"))
            text = _member(tar, "package/.jsii").read().decode("utf-8")
        assembly = cls(
            package=package,
            text=text,
            name=manifest["name"],
            provider_version=manifest["cdktf"]["provider"]["version"],
            load_seconds=0.0,
        )
        for match in _SUMMARY.finditer(text):
            kind, tf_type = KINDS[match.group(1) or ""], match.group(2)
            assembly.classes[(kind, tf_type)] = text.rfind(_TYPE_KEY, 0, match.start())
        assembly.load_seconds = time.monotonic() - start
        return assembly

    def _decode_type_at(self, offset: int) -> dict[str, Any]:
        start = offset + len(_TYPE_KEY) - 1
        key, end = json.JSONDecoder().raw_decode(self.text, start)
        colon = self.text.index(":", end) + 1
        body, _ = json.JSONDecoder().raw_decode(self.text, _skip_space(self.text, colon))
        assert body["fqn"] == key, (key, body.get("fqn"))
        return body

    def _decode_type(self, fqn: str) -> dict[str, Any]:
        offset = self.text.find(f'{_TYPE_KEY}{fqn}": {{')
        if offset < 0:
            raise KeyError(f"{fqn} is not a type of {self.name}")
        return self._decode_type_at(offset)

    def config(self, kind: str, tf_type: str) -> Struct | None:
        """The argument schema of a resource, data source or provider type."""
        offset = self.classes.get((kind, tf_type))
        if offset is None:
            return None
        body = self._decode_type_at(offset)
        (config,) = [
            p["type"]["fqn"]
            for p in body["initializer"]["parameters"]
            if p["name"] == "config" and "fqn" in p["type"]
        ]
        return self.struct(config)

    def struct(self, fqn: str) -> Struct:
        if fqn not in self.structs:
            body = self._decode_type(fqn)
            assert body.get("datatype"), f"{fqn} is not a struct"
            arguments = {}
            for prop in body.get("properties", []):
                argument = Argument(
                    name=_terraform_name(prop),
                    required=not prop.get("optional", False),
                    block=self._struct_in(prop["type"]),
                )
                arguments[argument.name] = argument
            self.structs[fqn] = Struct(fqn, arguments)
        return self.structs[fqn]

    def _struct_in(self, type_ref: dict[str, Any]) -> str | None:
        """The fqn of a struct of this assembly referenced by a property's type
        (directly, as a collection's element or as a member of a union)."""
        for fqn in _fqns(type_ref):
            if fqn.startswith(f"{self.name}."):
                return fqn
        return None


def _member(tar: tarfile.TarFile, name: str):
    member = tar.extractfile(name)
    assert member is not None, name
    return member


def _skip_space(text: str, index: int) -> int:
    while text[index] in " \n\r\t":
        index += 1
    return index


def _fqns(type_ref: Any) -> Iterator[str]:
    if isinstance(type_ref, dict):
        if isinstance(type_ref.get("fqn"), str):
            yield type_ref["fqn"]
        for value in type_ref.values():
            if isinstance(value, dict | list):
                yield from _fqns(value)
    elif isinstance(type_ref, list):
        for value in type_ref:
            yield from _fqns(value)


def _terraform_name(prop: dict[str, Any]) -> str:
    """The Terraform name of a property: from its registry link, else snake_cased."""
    docs = prop.get("docs", {})
    for text in (docs.get("summary", ""), docs.get("remarks", "")):
        match = _TF_NAME.search(text)
        if match:
            return match.group(1)
    return snake_case(prop["name"])


# Module-level cache: each assembly is decompressed and indexed once per session.
_ASSEMBLIES: dict[str, Assembly] = {}


def assembly_for(provider: str) -> Assembly:
    package = PACKAGES[provider]
    if package not in _ASSEMBLIES:
        _ASSEMBLIES[package] = Assembly.load(package)
    return _ASSEMBLIES[package]


def provider_of(tf_type: str) -> str:
    return tf_type.split("_", 1)[0]


def check_document(document: dict[str, Any]) -> list[str]:
    """Every schema violation of a cdk.tf.json document, as readable lines."""
    errors: list[str] = []
    for kind in ("resource", "data"):
        for tf_type, by_name in document.get(kind, {}).items():
            provider = provider_of(tf_type)
            if provider not in PACKAGES:
                errors.append(f"{kind}.{tf_type}: no binding for provider {provider!r}")
                continue
            schema = assembly_for(provider).config(kind, tf_type)
            prefix = "data." if kind == "data" else ""
            if schema is None:
                errors.append(f"{prefix}{tf_type}: unknown {kind} type")
                continue
            for name, body in by_name.items():
                if name == "//":
                    continue
                _check_block(
                    provider, body, schema, f"{prefix}{tf_type}.{name}", META_ARGUMENTS, errors
                )
    for provider, configs in document.get("provider", {}).items():
        if provider not in PACKAGES:
            errors.append(f"provider.{provider}: no binding for this provider")
            continue
        schema = assembly_for(provider).config("provider", provider)
        if schema is None:
            errors.append(f"provider.{provider}: no provider schema")
            continue
        for index, body in enumerate(configs if isinstance(configs, list) else [configs]):
            _check_block(
                provider,
                body,
                schema,
                f"provider.{provider}[{index}]",
                PROVIDER_META_ARGUMENTS,
                errors,
            )
    return errors


def _check_block(
    provider: str,
    body: Any,
    schema: Struct,
    path: str,
    ignored: frozenset[str],
    errors: list[str],
) -> None:
    if isinstance(body, list):
        for index, item in enumerate(body):
            _check_block(provider, item, schema, f"{path}[{index}]", ignored, errors)
        return
    if not isinstance(body, dict):
        return  # an expression ("${...}") standing for the whole block: not checkable
    keys = set(body) - ignored
    for name in sorted(schema.required - keys):
        errors.append(f"{path}: missing required attribute {name!r}")
    for key in sorted(keys):
        if key == "dynamic":
            _check_dynamic(provider, body[key], schema, f"{path}.dynamic", errors)
            continue
        argument = schema.arguments.get(key)
        if argument is None:
            errors.append(f"{path}: unknown attribute or block {key!r}")
        elif argument.block is not None:
            nested = assembly_for(provider).struct(argument.block)
            _check_block(provider, body[key], nested, f"{path}.{key}", frozenset({"//"}), errors)


def _check_dynamic(provider: str, body: Any, schema: Struct, path: str, errors: list[str]) -> None:
    for name, spec in (body or {}).items():
        argument = schema.arguments.get(name)
        if argument is None or argument.block is None:
            errors.append(f"{path}: {name!r} is not a nested block")
            continue
        if isinstance(spec, dict) and "content" in spec:
            nested = assembly_for(provider).struct(argument.block)
            _check_block(
                provider,
                spec["content"],
                nested,
                f"{path}.{name}.content",
                frozenset({"//"}),
                errors,
            )


SOURCES = ["default", *EXAMPLES]


def documents_of(source: str) -> dict[str, dict[str, Any]]:
    return {
        label: json.loads(text)
        for label, text in synthesized_texts().items()
        if label.split("/", 1)[0] == source
    }


def test_assemblies_are_the_pinned_provider_versions() -> None:
    # The schema is only as good as the binding it comes from (spec section 1).
    expected = {"aws": "6.21.0", "snowflake": "2.10.1", "random": "3.7.2", "time": "0.13.1"}
    assert {p: assembly_for(p).provider_version.lstrip("~> ") for p in PACKAGES} == expected


@pytest.mark.parametrize("source", SOURCES)
def test_stack_matches_provider_schemas(source: str) -> None:
    documents = documents_of(source)
    assert documents, f"{source} synthesized no stack"
    for label, document in documents.items():
        assert document.get("resource"), f"{label} declares no resource"
        errors = check_document(document)
        assert not errors, f"{label} does not match the provider schemas:\n" + "\n".join(errors)


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_option_stack_matches_provider_schemas(option: str) -> None:
    # The stacks of tests/test_snapshots.py: the parts only options add (the S3
    # notification, the serverless task, the processed-files table, ...).
    document = json.loads(option_text(option))
    assert document.get("resource"), f"option {option} declares no resource"
    errors = "\n".join(check_document(document))
    assert not errors, f"option {option} does not match the provider schemas:\n{errors}"


def broken_stack(app: App) -> TerraformStack:
    stack = TerraformStack(app, "broken")
    AwsProvider(stack, "aws", region="us-east-1")
    key = PipelineKey(stack, "kms_key")
    bucket = EncryptedBucket(
        stack, "inbound_bucket", bucket_name="inbound-x", kms_key_id=key.key_id
    )
    key.key.add_override("enable_rotation", True)  # typo of enable_key_rotation
    bucket.versioning.add_override("versioning_configuration.state", "Enabled")  # nested typo
    bucket.encryption.add_override("bucket", None)  # removes a required attribute
    bucket.encryption.add_override(
        "rule.0.apply_server_side_encryption_by_default.sse_algorithm", None
    )  # removes a required attribute of a nested block
    return stack


def test_checker_catches_escape_hatch_mistakes() -> None:
    from tests.support import synth_app

    document = synth_app(broken_stack)["broken"]
    assert check_document(document) == [
        "aws_kms_key.kms_key: unknown attribute or block 'enable_rotation'",
        "aws_s3_bucket_server_side_encryption_configuration.inbound_bucket: "
        "missing required attribute 'bucket'",
        "aws_s3_bucket_server_side_encryption_configuration.inbound_bucket.rule[0]"
        ".apply_server_side_encryption_by_default: missing required attribute 'sse_algorithm'",
        "aws_s3_bucket_versioning.inbound_bucket.versioning_configuration: "
        "unknown attribute or block 'state'",
    ]


def test_checker_catches_unknown_types_and_provider_arguments() -> None:
    document = {
        "provider": {"aws": [{"region": "us-east-1", "alias": "x", "regoin": "us-east-1"}]},
        "resource": {"aws_s3_bukket": {"b": {"bucket": "b"}}},
        "data": {"aws_caller_identity": {"current": {"depends_on": []}}},
    }
    assert check_document(document) == [
        "aws_s3_bukket: unknown resource type",
        "provider.aws[0]: unknown attribute or block 'regoin'",
    ]


def test_bootstrap_with_every_grant_matches_provider_schemas() -> None:
    # The example's bootstrap has no transfer; this one has every resource type the
    # bootstrap declares (role, account grants, role grants, ownership transfers).
    from snowssi_constructs import ExistingDeployment, SnowSSIBootstrap
    from tests.support import synth_text

    transfer = ExistingDeployment(
        name_suffix="happy-panda", processed_files=True, refresh_tasks=True, failure_alerts=True
    )
    text = synth_text(
        lambda app: SnowSSIBootstrap(
            app,
            "bootstrap",
            grant_to_users=["DEPLOYER"],
            grant_to_roles=["SYSADMIN"],
            serverless_task=True,
            transfer=transfer,
        )
    )["bootstrap"]
    document = json.loads(text)
    assert set(document["resource"]) == {
        "snowflake_account_role",
        "snowflake_grant_privileges_to_account_role",
        "snowflake_grant_account_role",
        "snowflake_grant_ownership",
    }
    errors = check_document(document)
    assert not errors, "\n".join(errors)
