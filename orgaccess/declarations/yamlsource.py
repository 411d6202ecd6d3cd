"""Load one YAML document into plain Python data, remembering the line of every value.

Built on PyYAML's event stream (libyaml when present: a 5 MiB file parses in about a second)
rather than its constructor, so that hostile input is refused while it is read:

- anchors and aliases are refused outright. A declarations file never needs them, and they
  are what billion-laughs bombs are made of; refusing them is simpler to explain than a cap.
- explicit tags (``!foo``, ``!!python/object``) are refused; no value is ever constructed
  from a tag.
- duplicate keys and keys that are not strings are errors, not last-one-wins.
- nesting deeper than ``MAX_DEPTH`` and more than ``MAX_NODES`` values are refused, which
  bounds memory and keeps every later recursive step (validation, reprs) shallow.

Plain scalars resolve by the YAML 1.2 core schema, as ruamel.yaml writes them: ``yes``,
``on`` and ``2024-01-01`` stay strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_DEPTH = 32
MAX_NODES = 1_000_000

Path = tuple[str | int, ...]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")


class YamlSourceError(Exception):
    """The text is not a YAML document this loader accepts; ``line`` is 1-based when known."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Sourced:
    """Plain data (dicts, lists, str, int, float, bool, None) and the line of each path."""

    data: Any
    lines: dict[Path, int]

    def line(self, path: Path) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


@dataclass
class _Open:
    """A mapping or sequence whose end event has not come yet."""

    value: dict[str, Any] | list[Any]
    path: Path
    key: str | None = None
    key_line: int = 0
    key_lines: dict[str, int] = field(default_factory=dict)


def load_yaml(text: str) -> Sourced:
    """Parse ``text``; raise YamlSourceError for anything but one acceptable document."""
    try:
        return _build(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.problem, exc.context) if p)
        raise YamlSourceError(
            None if mark is None else mark.line + 1,
            f"invalid YAML: {problem}; check the indentation and quoting here",
        ) from None
    except yaml.reader.ReaderError as exc:
        raise YamlSourceError(
            text.count("\n", 0, max(exc.position, 0)) + 1,
            f"character {_codepoint(exc.character)} is not allowed in YAML; remove it",
        ) from None
    except yaml.YAMLError as exc:
        raise YamlSourceError(None, f"invalid YAML: {exc}; fix the syntax") from None


def _build(text: str) -> Sourced:
    lines: dict[Path, int] = {}
    stack: list[_Open] = []
    root: Any = None
    path: Path
    documents = nodes = 0
    for event in yaml.parse(text, Loader=_Loader):
        line = 1 + (event.start_mark.line if event.start_mark else 0)
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise YamlSourceError(line, "a second YAML document starts here; keep one document per file")
            continue
        if isinstance(event, yaml.AliasEvent):
            raise YamlSourceError(line, f"alias '*{event.anchor}' is not supported; write the value out in full")
        if isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
            continue
        if not isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            continue
        nodes += 1
        _refuse_unsupported(event, line, nodes)
        value = _value(event)
        if not stack:
            root, path = value, ()
        else:
            placed = _place(stack[-1], value, line)
            if placed is None:
                continue
            path, line = placed
        lines[path] = line
        _open(stack, value, path, line)
    return Sourced(root, lines)


def _refuse_unsupported(event: Any, line: int, nodes: int) -> None:
    """Refuses the node numbered `nodes` if it is one too many or uses YAML that orgaccess does not read."""
    if nodes > MAX_NODES:
        raise YamlSourceError(line, f"more than {MAX_NODES:,} values; split the declarations")
    if event.anchor is not None:
        raise YamlSourceError(line, f"anchor '&{event.anchor}' is not supported; write the value out in full")
    if event.tag is not None:
        raise YamlSourceError(line, f"YAML tag {show(event.tag)} is not supported; remove it")


def _place(top: _Open, value: Any, line: int) -> tuple[Path, int] | None:
    """Puts `value` into the open collection `top`: its path and line, or None when it is a mapping's key."""
    if isinstance(top.value, list):
        path: Path = (*top.path, len(top.value))
        top.value.append(value)
        return path, line
    if top.key is None:
        _take_key(top, value, line)
        return None
    path = (*top.path, top.key)
    top.value[top.key] = value
    # A mapping's value is found at its key's line.
    placed, top.key = (path, top.key_line), None
    return placed


def _open(stack: list[_Open], value: Any, path: Path, line: int) -> None:
    """Opens `value` for the values that follow, if it is a collection."""
    if isinstance(value, dict | list):
        if len(stack) >= MAX_DEPTH:
            raise YamlSourceError(line, f"nested deeper than {MAX_DEPTH} levels; flatten it")
        stack.append(_Open(value, path))


def _take_key(mapping: _Open, key: Any, line: int) -> None:
    if not isinstance(key, str):
        raise YamlSourceError(line, f"a key must be a string, not {show(key)}; quote it")
    first = mapping.key_lines.get(key)
    if first is not None:
        raise YamlSourceError(line, f"key {show(key)} appears twice in one mapping (first at line {first}); keep one")
    mapping.key, mapping.key_line = key, line
    mapping.key_lines[key] = line


def _value(event: Any) -> Any:
    if isinstance(event, yaml.MappingStartEvent):
        return {}
    if isinstance(event, yaml.SequenceStartEvent):
        return []
    text: str = event.value
    # implicit[0] is true only for a plain (unquoted, untagged) scalar.
    return _plain_scalar(text) if event.implicit[0] else text


def _plain_scalar(text: str) -> Any:
    """A plain scalar's value: null, a bool, a number, or else its text."""
    if _NULL.fullmatch(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.fullmatch(text):
        return _int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _SPECIAL_FLOAT.fullmatch(text):
        return float(text.lower().replace(".", "", 1))
    return text


def _int(text: str) -> int | float:
    try:
        return int(text, 0 if text[:2] in ("0o", "0x") else 10)
    except ValueError:  # past Python's digit limit; only ever shown in a message
        return float(text)


def show(value: Any) -> str:
    """A value as one short line of a message: strings quoted and escaped, others described."""
    if isinstance(value, str):
        # repr escapes every character that str.splitlines() would break a line at.
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}" if abs(value) < 1e15 else "a number"
    return {dict: "a mapping", list: "a list", type(None): "empty"}.get(type(value), "a value")


def _codepoint(character: int | str) -> str:
    # libyaml reports the code point as an int, the pure-Python reader as a str.
    return f"U+{character if isinstance(character, int) else ord(character[:1] or '?'):04X}"
