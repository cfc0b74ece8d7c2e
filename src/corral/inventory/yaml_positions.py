"""A YAML loader that keeps the line and column of every mapping key.

Values stay plain Python (dict, list, str, int, ...). Positions live beside them,
in a table keyed by the identity of each loaded mapping.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from corral.errors import Position, Problem
from corral.gc_paused import gc_paused
from corral.input_bounds import InputBoundError
from corral.vault.yaml_tag import add_vault_tag
from corral.yaml_bounds import BoundedLoader
from corral.yaml_libyaml import construct_bounded, libyaml_class, libyaml_is_bounded

KeyPositions = dict[str, tuple[int, int]]

_MERGE_TAG = "tag:yaml.org,2002:merge"
_MERGING_TAGS = (_MERGE_TAG, "tag:yaml.org,2002:value")
_STR_TAG = "tag:yaml.org,2002:str"


class _PositionLoader(BoundedLoader):
    """Bounded SafeLoader that records each mapping's key positions as it builds it."""

    def __init__(self, stream: str, file: str = "<string>") -> None:
        super().__init__(stream)
        self.file = file  # named in errors raised while constructing (a !vault value)
        self.key_positions: dict[int, KeyPositions] = {}
        self.mappings: list[dict[Any, Any]] = []
        self.duplicates: list[tuple[str, int, int]] = []

    def record(self, mapping: dict[Any, Any], node: yaml.MappingNode) -> None:
        positions: KeyPositions = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node)
            mark = key_node.start_mark
            positions[str(key)] = (mark.line + 1, mark.column + 1)
        self.key_positions[id(mapping)] = positions
        self.mappings.append(mapping)  # keeps ids valid while the document lives

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node.tag == _STR_TAG and node.__class__ is yaml.ScalarNode:
            return node.value  # what construct_yaml_str gives, without the bookkeeping
        return super().construct_object(node, deep)

    def construct_plain_map(self, data: dict[Any, Any], node: yaml.MappingNode) -> None:
        """Fill ``data`` from a mapping without merge keys, noting duplicates and positions
        in the same pass (what ``note_duplicates``, ``construct_mapping`` and ``record`` do)."""
        positions: KeyPositions = {}
        seen: set[str] = set()
        scalar = yaml.ScalarNode
        for key_node, value_node in node.value:
            if key_node.tag == _STR_TAG and key_node.__class__ is scalar:
                key = key_node.value  # the usual key: construct_object's shortcut, inlined
            else:
                key = self.construct_object(key_node)
            if key.__class__ is not str and not isinstance(key, Hashable):
                self.construct_mapping(node)  # raises PyYAML's own error at the key
            mark = key_node.start_mark
            if key_node.__class__ is yaml.ScalarNode:
                if key_node.value in seen:
                    self.duplicates.append((key_node.value, mark.line + 1, mark.column + 1))
                seen.add(key_node.value)
            data[key] = self.construct_object(value_node)
            positions[str(key)] = (mark.line + 1, mark.column + 1)
        self.key_positions[id(data)] = positions
        self.mappings.append(data)  # keeps ids valid while the document lives

    def note_duplicates(self, node: yaml.MappingNode) -> None:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                continue
            if key_node.value in seen:
                mark = key_node.start_mark
                self.duplicates.append((key_node.value, mark.line + 1, mark.column + 1))
            seen.add(key_node.value)


def _construct_map(loader: _PositionLoader, node: yaml.MappingNode) -> Iterator[dict[Any, Any]]:
    data: dict[Any, Any] = {}
    yield data
    if any(key.tag in _MERGING_TAGS for key, _ in node.value):  # PyYAML's rules for "<<"
        loader.note_duplicates(node)
        data.update(loader.construct_mapping(node))
        loader.record(data, node)
    else:
        loader.construct_plain_map(data, node)


_PositionLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
add_vault_tag(_PositionLoader)



@dataclass(frozen=True)
class YamlDocument:
    """A loaded YAML document and the positions of its mapping keys."""

    file: str
    data: Any
    key_positions: Mapping[int, KeyPositions] = field(default_factory=dict)
    duplicates: tuple[tuple[str, int, int], ...] = ()
    keep_alive: tuple[object, ...] = ()

    def key_lines(self, mapping: object) -> dict[str, int]:
        """Line of every key of ``mapping`` (a mapping from this document)."""
        return {k: line for k, (line, _) in self.key_positions.get(id(mapping), {}).items()}

    def where(self, mapping: object, key: object, default: Position | None = None) -> Position:
        """Position of ``key`` in ``mapping``; else ``default``, else just the file."""
        found = self.key_positions.get(id(mapping), {}).get(str(key))
        if found is None:
            return default or Position(self.file)
        return Position(self.file, found[0], found[1])

    def duplicate_warnings(self) -> list[str]:
        return [
            f"{self.file}:{line}:{col}: key '{key}' is repeated in the same mapping; the last one wins"
            for key, line, col in self.duplicates
        ]


def load_yaml(text: str, file: str) -> YamlDocument | Problem:
    """Parse one YAML document, or describe the syntax error with its position.

    libyaml when it is there and the document keeps every bound; else (and for every
    error, so that it is worded one way) PyYAML's pure parser, bounded while it composes.
    """
    with gc_paused():
        if libyaml_is_bounded():
            loaded = _load_libyaml(text, file)
            if loaded is not None:
                return loaded
        return _load_pure(text, file)


def _load_libyaml(text: str, file: str) -> YamlDocument | None:
    """The document on the fast path, or None to let the pure loader decide."""
    built = construct_bounded(libyaml_class(_PositionLoader), text, file)
    if built is None:
        return None
    loader, data = built
    return _document(loader, data, file)


def _load_pure(text: str, file: str) -> YamlDocument | Problem:
    try:
        loader = _PositionLoader(text, file)
    except InputBoundError as exc:
        return exc.problem(file)
    try:
        data = loader.get_single_data()
    except InputBoundError as exc:
        return exc.problem(file)
    except yaml.MarkedYAMLError as exc:
        return _syntax_problem(exc, file)
    except yaml.YAMLError as exc:
        return Problem(f"YAML error: {exc}", Position(file))
    finally:
        loader.dispose()
    return _document(loader, data, file)


def _document(loader: _PositionLoader, data: Any, file: str) -> YamlDocument:
    return YamlDocument(
        file=file,
        data=data,
        key_positions=loader.key_positions,
        duplicates=tuple(loader.duplicates),
        keep_alive=tuple(loader.mappings),
    )


def _syntax_problem(exc: yaml.MarkedYAMLError, file: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or "invalid YAML"
    if exc.context and exc.context.startswith("while"):
        what = f"{what} ({exc.context})"
    elif exc.context:
        what = f"{exc.context} {what}"
    if "'!vault'" in what:
        what += "; Ansible Vault values are not supported"
    if mark is None:
        return Problem(f"YAML syntax error: {what}", Position(file))
    return Problem(f"YAML syntax error: {what}", Position(file, mark.line + 1, mark.column + 1))
