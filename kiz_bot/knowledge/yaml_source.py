"""Read YAML fast (libyaml) into plain dicts and lists that remember their line numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

try:  # libyaml ships inside PyYAML's wheels; the pure-Python parser is the fallback.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - only on a build of PyYAML without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

__all__ = ["MarkedMap", "MarkedSeq", "YamlSyntaxError", "line_of", "read_yaml"]


class MarkedMap(dict[Any, Any]):
    """A YAML mapping with the 1-based line of itself and of each key."""

    line: int = 1
    key_lines: dict[Any, int]


class MarkedSeq(list[Any]):
    """A YAML sequence with the 1-based line of itself and of each item."""

    line: int = 1
    item_lines: list[int]


class YamlSyntaxError(ValueError):
    """A YAML text that cannot be read, with the 1-based line of the problem."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


class _Loader(_BaseLoader):
    """Safe loader with YAML 1.2 scalars: `no`, `on`, `1:30` and `0212` stay text."""


# YAML 1.1 turns yes/no/on/off into booleans, 1:30 into 5400 and 0212 into an octal number;
# staff write alternatives such as "No" or phone-like numbers, so only 1.2 forms resolve.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":bool", ":int", ":float"))]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Iterator[MarkedMap]:
    data = MarkedMap()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            duplicate = key in data
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            ) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        data.key_lines[key] = key_node.start_mark.line + 1
        data[key] = loader.construct_object(value_node)


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> Iterator[MarkedSeq]:
    data = MarkedSeq()
    data.line = node.start_mark.line + 1
    data.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_sequence(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def read_yaml(text: str) -> Any:
    """Parse one YAML document; raise YamlSyntaxError with a line number when it is broken."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader with plain types
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = (exc.problem or exc.context or "invalid YAML").strip()
        raise YamlSyntaxError(mark.line + 1 if mark else 1, reason) from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(_error_line(exc, text), str(exc).splitlines()[0]) from exc


def _error_line(exc: yaml.YAMLError, text: str) -> int:
    position = getattr(exc, "position", None)
    return text.count("\n", 0, position) + 1 if isinstance(position, int) else 1


def line_of(node: Any, key: Any = None) -> int:
    """Return the 1-based line of a node, or of one of its keys or items."""
    if isinstance(node, MarkedMap) and key is not None and key in node.key_lines:
        return node.key_lines[key]
    if isinstance(node, MarkedSeq) and isinstance(key, int) and 0 <= key < len(node.item_lines):
        return node.item_lines[key]
    return getattr(node, "line", 1)
