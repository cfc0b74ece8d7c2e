"""A YAML loader that remembers where every mapping, key and item came from.

Values stay plain Python (dict, list, str, int, bool, None, float), but every
mapping is a ``PosDict`` and every sequence a ``PosList`` carrying positions,
so validation can point at the exact key. Duplicate keys are collected as
problems rather than silently overwritten, and the original text of every
integer scalar is kept (``mode: 644`` must be told apart from ``mode: 0644``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from corral.errors import Position, Problem
from corral.input_bounds import InputBoundError, read_input_text
from corral.templating.unsafe import UnsafeText, mark_unsafe
from corral.vault.active import decode_file_text
from corral.vault.yaml_tag import add_vault_tag
from corral.yaml_bounds import BoundedLoader
from corral.yaml_libyaml import construct_bounded, libyaml_class, libyaml_is_bounded

_INT_TAG = "tag:yaml.org,2002:int"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class PosDict(dict[Any, Any]):
    """A mapping that knows its own position and those of its keys and values."""

    def __init__(self, *args: Any, position: Position | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.position: Position | None = position
        self.key_positions: dict[Any, Position] = {}
        self.value_positions: dict[Any, Position] = {}
        # key -> the text an integer value was written as ("644", "0644", "0x1a4")
        self.int_texts: dict[Any, str] = {}

    def key_position(self, key: Any) -> Position | None:
        """Where ``key`` was written, else where the mapping starts."""
        return self.key_positions.get(key, self.position)


class PosList(list[Any]):
    """A sequence that knows its own position and those of its items."""

    def __init__(self, *args: Any, position: Position | None = None) -> None:
        super().__init__(*args)
        self.position: Position | None = position
        self.item_positions: list[Position] = []

    def item_position(self, index: int) -> Position | None:
        """Where item ``index`` was written, else where the sequence starts."""
        if 0 <= index < len(self.item_positions):
            return self.item_positions[index]
        return self.position


def position_of(value: Any) -> Position | None:
    """The position of a loaded mapping or sequence, if it has one."""
    if isinstance(value, PosDict | PosList):
        return value.position
    return None


class PositionLoader(BoundedLoader):
    """SafeLoader (YAML 1.1: yes/no are booleans, 0644 is octal) keeping positions, bounded."""

    def __init__(self, stream: str, file: str) -> None:
        super().__init__(stream)
        self.file = file
        self.problems: list[Problem] = []

    def mark_position(self, node: Node) -> Position:
        mark = node.start_mark
        return Position(self.file, mark.line + 1, mark.column + 1)

    def construct_pos_list(self, node: SequenceNode) -> Iterator[PosList]:
        data = PosList(position=self.mark_position(node))
        yield data
        for child in node.value:
            data.append(self.construct_object(child))
            data.item_positions.append(self.mark_position(child))

    def construct_pos_dict(self, node: MappingNode) -> Iterator[PosDict]:
        data = PosDict(position=self.mark_position(node))
        yield data
        self.report_duplicates(node)
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node)
            if not isinstance(key, str | int | float | bool | type(None)):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    "found a key that is not a plain value (a value starting with "
                    "'{{' must be quoted)", key_node.start_mark)
            data[key] = self.construct_object(value_node)
            data.key_positions[key] = self.mark_position(key_node)
            data.value_positions[key] = self.mark_position(value_node)
            if isinstance(value_node, ScalarNode) and value_node.tag == _INT_TAG:
                data.int_texts[key] = value_node.value
            else:
                data.int_texts.pop(key, None)

    def report_duplicates(self, node: MappingNode) -> None:
        first_lines: dict[str, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG or not isinstance(key_node, ScalarNode):
                continue
            where = self.mark_position(key_node)
            line = where.line or 0
            if key_node.value in first_lines:
                self.problems.append(Problem(
                    f"duplicate key '{key_node.value}' (first at line "
                    f"{first_lines[key_node.value]}, again at line {line}); "
                    "YAML would silently keep only the last one",
                    where))
            else:
                first_lines[key_node.value] = line


    def construct_unsafe(self, node: Node) -> Any:
        """``!unsafe``: a value that is never rendered as a template (Ansible's tag)."""
        if isinstance(node, ScalarNode):
            return UnsafeText(self.construct_scalar(node))
        if isinstance(node, SequenceNode):
            return mark_unsafe(list(self.construct_sequence(node, deep=True)))
        assert isinstance(node, MappingNode)
        return mark_unsafe(dict(self.construct_mapping(node, deep=True)))


PositionLoader.add_constructor("tag:yaml.org,2002:seq", PositionLoader.construct_pos_list)
PositionLoader.add_constructor("tag:yaml.org,2002:map", PositionLoader.construct_pos_dict)
PositionLoader.add_constructor("!unsafe", PositionLoader.construct_unsafe)
add_vault_tag(PositionLoader)


def yaml_error_problem(error: yaml.YAMLError, file: str) -> Problem:
    """A YAML syntax error, in words, at its file, line and column."""
    if not isinstance(error, yaml.MarkedYAMLError):
        return Problem(f"invalid YAML: {error}", Position(file))
    mark = error.problem_mark or error.context_mark
    where = Position(file, mark.line + 1, mark.column + 1) if mark else Position(file)
    words = error.problem or "invalid YAML"
    if error.context:
        words = f"{words} ({error.context})"
    if "unhashable" in words or "mapping values are not allowed" in words:
        words += "; a value that starts with '{{' or contains ': ' must be quoted"
    if "'\\t'" in words:
        words += "; YAML indentation must use spaces, not tabs"
    return Problem(f"YAML syntax error: {words}", where)


def load_yaml_text(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document; returns the data and every problem found.

    libyaml composes when it is there and the document keeps every bound (~20x faster
    than PyYAML's pure parser, a tenth of a small run's loading); else, and for every
    syntax error (so that it is worded one way), the pure parser, bounded as it composes.
    """
    if libyaml_is_bounded():
        loaded = _load_libyaml(text, file)
        if loaded is not None:
            return loaded
    try:
        loader = PositionLoader(text, file)
    except InputBoundError as error:
        return None, [error.problem(file)]
    try:
        data = loader.get_single_data()
    except InputBoundError as error:
        return None, [*loader.problems, error.problem(file)]
    except yaml.YAMLError as error:
        return None, [*loader.problems, yaml_error_problem(error, file)]
    finally:
        loader.dispose()
    return data, loader.problems


def _load_libyaml(text: str, file: str) -> tuple[Any, list[Problem]] | None:
    """The data and problems on the fast path, or None to let the pure loader decide."""
    built = construct_bounded(libyaml_class(PositionLoader), text, file)
    if built is None:
        return None
    loader, data = built
    return data, loader.problems


def load_yaml_file(path: Path) -> tuple[Any, list[Problem]]:
    """Read and parse ``path``; an unreadable file is a problem, not an exception."""
    try:
        text = read_input_text(path)
    except OSError as error:
        return None, [Problem(f"cannot read file: {error.strerror or error}", Position(str(path)))]
    except InputBoundError as error:
        return None, [error.problem(str(path))]
    return load_yaml_text(decode_file_text(text, str(path)), str(path))
