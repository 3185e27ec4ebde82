"""The HCL object expressions cdktf writes inside ``${jsonencode(...)}``, as Python values.

cdktf renders ``Fn.jsonencode({...})`` as one HCL expression in a Terraform-JSON string,
for example::

    ${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Action" = "s3:ListBucket",
    "Resource" = aws_s3_bucket.inbound_bucket.arn}]})}

This module reads exactly the grammar those expressions use::

    value    = object | tuple | string | number | "true" | "false" | "null" | other
    object   = "{" [ key ("=" | ":") value { "," key ("=" | ":") value } [","] ] "}"
    key      = string | identifier
    tuple    = "[" [ value { "," value } [","] ] "]"
    string   = '"' { character | escape | "${" template "}" | "%{" template "}" } '"'
    other    = any other expression (a reference, a function call, an operation),
               up to the next "," "]" or "}" outside brackets and strings

A string becomes its template text in Terraform-JSON syntax: escapes are decoded, and
``${...}`` interpolations, ``%{...}`` directives and the ``$${``/``%%{`` escapes are kept
as written. An *other* expression becomes the string ``"${<expression>}"``, which is how
Terraform JSON writes the same expression. So the result is the document Terraform will
encode, with every reference left as a ``${...}`` string.
"""

from __future__ import annotations

import re
from typing import Any

JSONENCODE_PREFIX = "${jsonencode("
JSONENCODE_SUFFIX = ")}"

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_CLOSERS = {"(": ")", "[": "]", "{": "}"}


class HclSyntaxError(ValueError):
    """The text is not an expression of the grammar above; the message gives the offset."""


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, expected: str) -> HclSyntaxError:
        found = self.text[self.pos : self.pos + 40]
        return HclSyntaxError(f"expected {expected} at offset {self.pos}, found {found!r}")

    def peek(self) -> str:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise self.fail(repr(char))
        self.pos += 1

    def value(self) -> Any:
        char = self.peek()
        if char == "{":
            return self.object()
        if char == "[":
            return self.tuple()
        if char == '"':
            return self.string()
        return self.other()

    def object(self) -> dict[str, Any]:
        self.expect("{")
        result: dict[str, Any] = {}
        while self.peek() != "}":
            key = self.key()
            if self.peek() not in ("=", ":"):
                raise self.fail("'=' or ':'")
            self.pos += 1
            result[key] = self.value()
            if not self.separator("}"):
                break
        self.expect("}")
        return result

    def key(self) -> str:
        if self.peek() == '"':
            return self.string()
        match = _IDENTIFIER.match(self.text, self.pos)
        if match is None:
            raise self.fail("an object key")
        self.pos = match.end()
        return match.group()

    def tuple(self) -> list[Any]:
        self.expect("[")
        result: list[Any] = []
        while self.peek() != "]":
            result.append(self.value())
            if not self.separator("]"):
                break
        self.expect("]")
        return result

    def separator(self, closer: str) -> bool:
        """After an element: True when another may follow (a comma was read)."""
        char = self.peek()
        if char == ",":
            self.pos += 1
            return True
        if char != closer:
            raise self.fail(f"',' or {closer!r}")
        return False

    def string(self) -> str:
        """A quoted template, as its template text (see the module's docstring)."""
        self.expect('"')
        out: list[str] = []
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return "".join(out)
            if char == "\\":
                out.append(self.escape())
                continue
            if text.startswith(("$${", "%%{"), self.pos):
                out.append(text[self.pos : self.pos + 3])
                self.pos += 3
                continue
            if text.startswith(("${", "%{"), self.pos):
                start = self.pos
                self.pos += 1
                self.skip_bracketed()
                out.append(text[start : self.pos])
                continue
            out.append(char)
            self.pos += 1
        raise self.fail("the closing '\"' of a string")

    def escape(self) -> str:
        code = self.text[self.pos + 1 : self.pos + 2]
        if code in _ESCAPES:
            self.pos += 2
            return _ESCAPES[code]
        width = {"u": 4, "U": 8}.get(code)
        digits = self.text[self.pos + 2 : self.pos + 2 + width] if width else ""
        if width is None or not re.fullmatch(r"[0-9A-Fa-f]+", digits) or len(digits) != width:
            raise self.fail('an escape (\\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN)')
        self.pos += 2 + width
        return chr(int(digits, 16))

    def skip_bracketed(self) -> None:
        """From an opening bracket, past its closing one (strings inside skipped whole)."""
        stack = [_CLOSERS[self.text[self.pos]]]
        self.pos += 1
        while stack:
            if self.pos >= len(self.text):
                raise self.fail(repr(stack[-1]))
            char = self.text[self.pos]
            if char == '"':
                self.string()
                continue
            if char in _CLOSERS:
                stack.append(_CLOSERS[char])
            elif char in ")]}" and char != stack.pop():
                raise self.fail("matching brackets")
            self.pos += 1

    def _in_operator(self) -> bool:
        """Whether the "=" at the position is part of ``==``, ``!=``, ``<=``, ``>=``, ``=>``."""
        before = self.text[self.pos - 1 : self.pos]
        after = self.text[self.pos + 1 : self.pos + 2]
        return before in ("=", "!", "<", ">") or after in ("=", ">")

    def other(self) -> Any:
        start = self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in ",]}":
                break
            if char == ")":
                raise self.fail("matching brackets")
            if char == '"':
                self.string()
            elif char == "=" and not self._in_operator():
                # A lone "=" begins an object element: the last one lacked its comma.
                raise self.fail("',' between elements")
            elif char in _CLOSERS:
                self.skip_bracketed()
            else:
                self.pos += 1
        token = self.text[start : self.pos].strip()
        if not token:
            raise self.fail("a value")
        if token in ("true", "false"):
            return token == "true"
        if token == "null":
            return None
        if _NUMBER.fullmatch(token):
            number = float(token)
            return int(number) if number.is_integer() and "." not in token else number
        return f"${{{token}}}"


def parse_hcl_value(text: str) -> Any:
    """The value of one HCL expression of the grammar above.

    :raises HclSyntaxError: ``text`` is not one such expression.
    """
    reader = _Reader(text)
    value = reader.value()
    if reader.peek():
        raise reader.fail("the end of the expression")
    return value


def is_jsonencode(value: object) -> bool:
    """Whether ``value`` is a whole ``${jsonencode(...)}`` expression."""
    return (
        isinstance(value, str)
        and value.startswith(JSONENCODE_PREFIX)
        and value.endswith(JSONENCODE_SUFFIX)
    )


def jsonencode_argument(expression: str) -> Any:
    """The document a ``${jsonencode(...)}`` expression encodes, references as ``${...}``.

    :raises HclSyntaxError: ``expression`` is no ``${jsonencode(...)}`` of the grammar.
    """
    if not is_jsonencode(expression):
        raise HclSyntaxError(f"not a ${{jsonencode(...)}} expression: {expression[:60]!r}")
    return parse_hcl_value(expression[len(JSONENCODE_PREFIX) : -len(JSONENCODE_SUFFIX)])
