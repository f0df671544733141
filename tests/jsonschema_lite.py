"""A small validator for the subset of JSON Schema (draft 2020-12) that docs/schemas/ uses.

Checked: `type` (a name or a list of names, with "integer" and "null"), `enum`, `const`,
`required`, `properties`, `additionalProperties` (false, or a schema for the other keys),
`items`, `minItems`, `uniqueItems`, `minimum`, `minLength`, `pattern` and `$ref` to
"#/$defs/NAME". Annotations (`$schema`, `$id`, `title`, `description`, `$defs`, `$comment`,
`examples`) are skipped. Any other keyword raises ValueError: a schema must not rely on a rule
this validator would silently ignore.
"""

from __future__ import annotations

import json
import re
from typing import Any

_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "number": (int, float),
    "null": type(None),
}
_ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs", "$comment", "examples"}
_CHECKED = {
    "type",
    "enum",
    "const",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "minItems",
    "uniqueItems",
    "minimum",
    "minLength",
    "pattern",
    "$ref",
}


def _is(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind not in _TYPES:
        raise ValueError(f"unknown type {kind!r}")
    return isinstance(value, _TYPES[kind]) and not (kind == "number" and isinstance(value, bool))


def _resolve(ref: str, root: dict[str, Any]) -> dict[str, Any]:
    prefix = "#/$defs/"
    if not ref.startswith(prefix) or ref[len(prefix) :] not in root.get("$defs", {}):
        raise ValueError(f"unsupported or dangling $ref {ref!r}")
    return root["$defs"][ref[len(prefix) :]]


def _same(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, as in JSON Schema."""
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def schema_errors(
    value: Any, schema: dict[str, Any], where: str = "$", root: dict[str, Any] | None = None
) -> list[str]:
    """Errors of `value` against `schema`, one line each, "$.path.to[3].key: what is wrong"."""
    root = schema if root is None else root
    unknown = set(schema) - _ANNOTATIONS - _CHECKED
    if unknown:
        raise ValueError(f"{where}: keywords this validator does not check: {sorted(unknown)}")
    if "$ref" in schema:
        return schema_errors(value, _resolve(schema["$ref"], root), where, root)
    errors: list[str] = []
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_is(value, k) for k in kinds):
            return [f"{where}: expected {kind}, got {type(value).__name__}"]
    if "enum" in schema and not any(_same(value, option) for option in schema["enum"]):
        errors.append(f"{where}: {value!r} is not one of {schema['enum']!r}")
    if "const" in schema and not _same(value, schema["const"]):
        errors.append(f"{where}: {value!r} is not {schema['const']!r}")
    if isinstance(value, dict):
        errors += [
            f"{where}: missing {key!r}" for key in schema.get("required", ()) if key not in value
        ]
        properties = schema.get("properties", {})
        for key, sub in properties.items():
            if key in value:
                errors += schema_errors(value[key], sub, f"{where}.{key}", root)
        others = schema.get("additionalProperties", True)
        for key in value:
            if key in properties or others is True:
                continue
            if others is False:
                errors.append(f"{where}: unexpected key {key!r}")
            else:
                errors += schema_errors(value[key], others, f"{where}.{key}", root)
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{where}: fewer than {schema['minItems']} item(s)")
        if schema.get("uniqueItems"):
            seen = [json.dumps(item, sort_keys=True) for item in value]
            if len(set(seen)) != len(seen):
                errors.append(f"{where}: items are not unique")
        if "items" in schema:
            for index, item in enumerate(value):
                errors += schema_errors(item, schema["items"], f"{where}[{index}]", root)
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{where}: shorter than {schema['minLength']} character(s)")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: {value!r} does not match {schema['pattern']!r}")
    if (
        "minimum" in schema and _is(value, "number") and value < schema["minimum"]  # type: ignore[operator]
    ):
        errors.append(f"{where}: {value!r} is less than {schema['minimum']!r}")
    return errors


def schema_problems(schema: dict[str, Any]) -> list[str]:
    """What is wrong with a schema file itself, for this validator and for readers: keywords it
    does not check, unknown type names, dangling `$ref`s, and `required` keys that a closed
    object (`additionalProperties: false`) does not list in its `properties`."""
    problems: list[str] = []

    def walk(node: Any, where: str) -> None:
        if not isinstance(node, dict):
            problems.append(f"{where}: a schema must be an object")
            return
        unknown = set(node) - _ANNOTATIONS - _CHECKED
        if unknown:
            problems.append(f"{where}: unchecked keywords {sorted(unknown)}")
        kinds = node.get("type", [])
        for kind in kinds if isinstance(kinds, list) else [kinds]:
            if kind != "integer" and kind not in _TYPES:
                problems.append(f"{where}: unknown type {kind!r}")
        if "$ref" in node:
            try:
                _resolve(node["$ref"], schema)
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
        properties = node.get("properties", {})
        if node.get("additionalProperties") is False:
            problems.extend(
                f"{where}: required {key!r} is not among the properties"
                for key in node.get("required", ())
                if key not in properties
            )
        for key, sub in properties.items():
            walk(sub, f"{where}.properties.{key}")
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                walk(node[key], f"{where}.{key}")
        for key, sub in node.get("$defs", {}).items():
            walk(sub, f"{where}.$defs.{key}")

    walk(schema, "$")
    return problems
