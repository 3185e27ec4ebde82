"""Read the argument of a ``${jsonencode({...})}`` expression as a Python value.

cdktf writes IAM documents as HCL object expressions inside ``jsonencode``. This reads
that subset of HCL (string literals with ``${...}`` templates, numbers, booleans,
lists, objects with ``=`` and bare references or function calls) into Python values, a
reference or call becoming the string ``"${...}"``, so tests can compare the documents
as the JSON Terraform will produce.
"""

from __future__ import annotations

from typing import Any


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n,":
            self.pos += 1

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise ValueError(f"expected {char!r} at {self.pos}: {self.text[self.pos :][:40]!r}")
        self.pos += 1

    def value(self) -> Any:
        char = self.peek()
        if char == "{":
            return self.object()
        if char == "[":
            return self.array()
        if char == '"':
            return self.string()
        return self.bare()

    def object(self) -> dict[str, Any]:
        self.expect("{")
        result: dict[str, Any] = {}
        while self.peek() != "}":
            key = self.string() if self.peek() == '"' else self.bare()
            self.expect("=")
            result[key] = self.value()
        self.expect("}")
        return result

    def array(self) -> list[Any]:
        self.expect("[")
        result: list[Any] = []
        while self.peek() != "]":
            result.append(self.value())
        self.expect("]")
        return result

    def string(self) -> str:
        self.expect('"')
        out: list[str] = []
        depth = 0
        while True:
            char = self.text[self.pos]
            if char == "\\" and depth == 0:
                out.append(
                    {"n": "\n", "t": "\t"}.get(self.text[self.pos + 1], self.text[self.pos + 1])
                )
                self.pos += 2
                continue
            if self.text.startswith("${", self.pos):
                depth += 1
                out.append("${")
                self.pos += 2
                continue
            if char == "}" and depth:
                depth -= 1
            elif char == '"' and depth == 0:
                self.pos += 1
                return "".join(out)
            out.append(char)
            self.pos += 1

    def bare(self) -> Any:
        start = self.pos
        depth = 0
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == '"':
                self.string()
                continue
            if char in "([{":
                depth += 1
            elif char in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and char in ",= \n":
                break
            self.pos += 1
        token = self.text[start : self.pos].strip()
        if token in ("true", "false"):
            return token == "true"
        if token == "null":
            return None
        try:
            return int(token)
        except ValueError:
            return f"${{{token}}}"


def jsonencode_argument(expression: str) -> Any:
    """The value inside ``${jsonencode(...)}``."""
    prefix, suffix = "${jsonencode(", ")}"
    if not (expression.startswith(prefix) and expression.endswith(suffix)):
        raise ValueError(f"not a jsonencode expression: {expression[:60]!r}")
    reader = _Reader(expression[len(prefix) : -len(suffix)])
    value = reader.value()
    if reader.peek():
        raise ValueError(f"trailing text at {reader.pos}")
    return value
