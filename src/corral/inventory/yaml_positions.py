"""A YAML loader that keeps the line and column of every mapping key.

Values stay plain Python (dict, list, str, int, ...). Positions live beside them,
in a table keyed by the identity of each loaded mapping.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from corral.errors import Position, Problem
from corral.input_bounds import InputBoundError
from corral.vault.yaml_tag import add_vault_tag
from corral.yaml_bounds import BoundedLoader

KeyPositions = dict[str, tuple[int, int]]

_MERGE_TAG = "tag:yaml.org,2002:merge"


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
    loader.note_duplicates(node)
    data.update(loader.construct_mapping(node))
    loader.record(data, node)


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
    """Parse one YAML document, or describe the syntax error with its position."""
    try:  # the pure parser: libyaml's would skip the depth and alias bounds
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
