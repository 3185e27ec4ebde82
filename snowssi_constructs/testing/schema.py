"""Every resource, data source and provider block of a synthesized stack, checked against
the provider schemas its bindings were generated from.

Terraform need not load the providers for this: the schema comes from each binding
package's jsii assembly (``_jsii/*.jsii.tgz``) of the flavour that is installed (the
``cdktf_cdktf_provider_*`` bindings on CDKTF, the ``cdktn_provider_*`` bindings on CDK
Terrain). A resource class documents its Terraform type, its ``...Config`` struct lists
the arguments (required unless ``optional``) and the structs of its nested blocks,
recursively. Escape hatches (``add_override``, raw dicts) bypass the bindings' typing;
this catches what they get wrong: unknown attributes or blocks, and missing required
attributes.

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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .structs import (
    CURRENT_SCHEMA,
    CURRENT_TYPES,
    Argument,
    Struct,
    committed_schema,
    committed_struct,
    type_key,
)

PROVIDERS = ("aws", "snowflake", "random", "time")


def binding_packages() -> dict[str, str]:
    """The binding package of each provider, ``{"aws": "cdktf_cdktf_provider_aws", ...}``:
    those of the flavour the package runs on (see :mod:`snowssi_constructs._flavour`)."""
    from .._flavour import FLAVOUR, MODULES

    return dict(zip(PROVIDERS, MODULES[FLAVOUR][1:], strict=True))


META_ARGUMENTS = frozenset(
    {"//", "depends_on", "lifecycle", "provider", "count", "for_each", "connection", "provisioner"}
)
PROVIDER_META_ARGUMENTS = frozenset({"//", "alias"})

# A class summary links the type's page in the provider's docs; any host.
_SUMMARY = re.compile(
    r'"summary": "Represents a \{@link https://[^/\s]+/providers/\S+?/docs'
    r"(?:/(resources|data-sources)/[\w-]+)? (\w+)\}\.\""
)
_TF_NAME = re.compile(r"\{@link \S+#(\w+) \w+#\w+\}")
_TYPE_KEY = '\n    "'
KINDS = {"resources": "resource", "data-sources": "data", "": "provider"}


def snake_case(name: str) -> str:
    """``name`` (a jsii property name, camelCase) in Terraform's snake_case."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@dataclass
class Assembly:
    """One binding's jsii assembly, decoded on demand."""

    package: str
    text: str
    name: str
    provider_version: str
    load_seconds: float
    version: str = ""  # the binding package's own release
    classes: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, type) -> offset
    structs: dict[str, Struct] = field(default_factory=dict)

    @classmethod
    def load(cls, package: str) -> Assembly:
        """Decompress ``package``'s assembly and index its class summaries."""
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
            # CDK Terrain's bindings name the provider under "cdktn" too.
            provider_version=(manifest.get("cdktf") or manifest["cdktn"])["provider"]["version"],
            load_seconds=0.0,
            version=manifest["version"],
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
        body: dict[str, Any]
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
        """The arguments of the struct ``fqn``, decoded once."""
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


def _member(tar: tarfile.TarFile, name: str) -> IO[bytes]:
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
    """The assembly of ``provider``'s binding (``"aws"``, ``"snowflake"``, ...), loaded
    and indexed once per process."""
    package = binding_packages()[provider]
    if package not in _ASSEMBLIES:
        _ASSEMBLIES[package] = Assembly.load(package)
    return _ASSEMBLIES[package]


def provider_of(tf_type: str) -> str:
    """The provider of a Terraform type: ``aws`` for ``aws_s3_bucket``."""
    return tf_type.split("_", 1)[0]


def check_document(document: Mapping[str, Any]) -> list[str]:
    """Every schema violation of a cdk.tf.json document, as readable lines.

    A document that pins the current generation's snowflake version is checked against
    the committed schema of its snowflake types (:mod:`.structs`) on either flavour;
    every other type against the installed bindings.
    """
    packages = binding_packages()
    committed = _pins_current(document)
    errors: list[str] = []
    for kind in ("resource", "data"):
        for tf_type, by_name in document.get(kind, {}).items():
            provider = provider_of(tf_type)
            if provider not in packages:
                errors.append(f"{kind}.{tf_type}: no binding for provider {provider!r}")
                continue
            schema = _schema(provider, kind, tf_type, committed)
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
        if provider not in packages:
            errors.append(f"provider.{provider}: no binding for this provider")
            continue
        schema = _schema(provider, "provider", provider, committed)
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


def _pins_current(document: Mapping[str, Any]) -> bool:
    pins = document.get("terraform", {}).get("required_providers", {})
    version = pins.get("snowflake", {}).get("version")
    return bool(version == committed_schema()["snowflake_version"])


def _schema(provider: str, kind: str, tf_type: str, committed: bool) -> Struct | None:
    if committed and provider == "snowflake":
        struct = committed_struct(kind, tf_type)
        if struct is not None:
            return struct
    return assembly_for(provider).config(kind, tf_type)


def _nested(provider: str, argument: Argument) -> Struct:
    if argument.nested is not None:
        return argument.nested
    assert argument.block is not None, argument
    return assembly_for(provider).struct(argument.block)


def current_schema_from_bindings() -> dict[str, Any]:
    """What the committed schema holds, read from the installed snowflake bindings (CDK
    Terrain's: the CDKTF bindings lack the current generation's types)."""
    from .._flavour import FLAVOUR

    if FLAVOUR != "cdktn":
        raise RuntimeError("the current generation's schema is read from CDK Terrain's bindings")
    assembly = assembly_for("snowflake")
    types = {}
    for kind, tf_type in CURRENT_TYPES:
        struct = assembly.config(kind, tf_type)
        if struct is None:
            raise KeyError(f"{assembly.name} has no {kind} {tf_type}")
        types[type_key(kind, tf_type)] = _export(assembly, struct)
    from ..generations import CURRENT

    return {
        "snowflake_version": CURRENT.snowflake_version,
        "read_from": {
            "bindings": f"{assembly.name}@{assembly.version}",
            "provider_version": assembly.provider_version,
        },
        "types": types,
    }


def write_current_schema() -> None:
    """Write :func:`current_schema_from_bindings` to the committed file (``python3 dev.py
    schema``)."""
    text = json.dumps(current_schema_from_bindings(), indent=1, sort_keys=True) + "\n"
    CURRENT_SCHEMA.write_text(text, encoding="utf-8")


def _export(assembly: Assembly, struct: Struct) -> dict[str, Any]:
    exported: dict[str, Any] = {}
    for name, argument in struct.arguments.items():
        spec: dict[str, Any] = {"required": argument.required}
        if argument.block is not None:
            spec["block"] = _export(assembly, assembly.struct(argument.block))
        exported[name] = spec
    return exported


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
            nested = _nested(provider, argument)
            _check_block(provider, body[key], nested, f"{path}.{key}", frozenset({"//"}), errors)


def _check_dynamic(provider: str, body: Any, schema: Struct, path: str, errors: list[str]) -> None:
    for name, spec in (body or {}).items():
        argument = schema.arguments.get(name)
        if argument is None or argument.block is None:
            errors.append(f"{path}: {name!r} is not a nested block")
            continue
        if isinstance(spec, dict) and "content" in spec:
            nested = _nested(provider, argument)
            _check_block(
                provider,
                spec["content"],
                nested,
                f"{path}.{name}.content",
                frozenset({"//"}),
                errors,
            )
