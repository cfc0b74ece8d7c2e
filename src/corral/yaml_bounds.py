"""A YAML SafeLoader with bounds: nesting depth, alias expansion, tags on the right node.

PyYAML composes recursively (1,000 levels of ``[`` end in a RecursionError), lets an
anchor refer to itself (``&a [*a]`` loads as a list that contains itself) and shares
aliased nodes, so a few lines of "billion laughs" load in microseconds and then explode
when a task renders them. ``BoundedLoader`` counts, while composing, the depth and the
number of nodes every alias stands for, and refuses the document past the bounds of
``corral.input_bounds``. Standard tags on the wrong kind of node (``!!seq {a: 1}``,
``!!map [1]``) and scalars a tag cannot read (``!!int abc``, ``2001-13-45``) are
``ConstructorError``s with a position, like every other YAML mistake.

Both position-keeping loaders (playbooks; inventories and vars files) derive from it;
``load_bounded_yaml`` is for the plain uses (``-e``, ``vars_files``).
"""

from __future__ import annotations

from typing import Any, cast

import yaml
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent, CollectionStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from corral.errors import Position, Problem
from corral.input_bounds import (
    ALIAS_NODES_PER_WRITTEN_NODE,
    MAX_NESTING,
    MIN_ALIAS_NODES,
    InputBoundError,
    check_characters,
    cut_middle,
)
from corral.vault.yaml_tag import add_vault_tag

_STANDARD = "tag:yaml.org,2002:"
_NODE_KIND: dict[str, type[Node]] = {
    **{_STANDARD + t: ScalarNode
       for t in ("str", "int", "float", "bool", "null", "binary", "timestamp")},
    **{_STANDARD + t: SequenceNode for t in ("seq", "omap", "pairs")},
    **{_STANDARD + t: MappingNode for t in ("map", "set")},
}
_SCALAR_TAGS = frozenset(tag for tag, kind in _NODE_KIND.items() if kind is ScalarNode)
_KIND_WORD = {ScalarNode: "a plain value", SequenceNode: "a sequence", MappingNode: "a mapping"}
# What PyYAML's scalar constructors raise on values their tag cannot read.
_SCALAR_FAILURES = (ValueError, KeyError, AttributeError, TypeError, IndexError, OverflowError)


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents too deep, alias bombs and self-referencing anchors."""

    def __init__(self, stream: str) -> None:
        check_characters(stream)  # before the reader, which has no line numbers to give
        super().__init__(stream)
        self._depth = 0
        self._open_anchors: set[str] = set()
        self._sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (expanded nodes, height)
        self._written = 0
        self._aliased = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent):
            return self._compose_alias(event, parent, index)
        self._depth += 1
        if self._depth > MAX_NESTING:
            raise _bound_error(f"nesting is deeper than {MAX_NESTING} levels", event)
        anchor = event.anchor if isinstance(event, CollectionStartEvent) else None
        if anchor is not None:
            self._open_anchors.add(anchor)
        node = cast(Node, super().compose_node(parent, index))
        if anchor is not None:
            self._open_anchors.discard(anchor)
        self._depth -= 1
        self._written += 1
        self._sizes[id(node)] = _size_of(node, self._sizes)
        _check_kind(node)
        return node

    def _compose_alias(self, event: AliasEvent, parent: Node | None, index: Any) -> Node:
        if event.anchor in self._open_anchors:
            raise _bound_error(
                f"alias '*{event.anchor}' refers to the anchor it is inside of; a value "
                "cannot contain itself", event)
        node = cast(Node, super().compose_node(parent, index))
        size, height = self._sizes.get(id(node), (1, 1))
        if self._depth + height > MAX_NESTING:
            raise _bound_error(f"alias '*{event.anchor}' makes the nesting deeper than "
                               f"{MAX_NESTING} levels", event)
        self._aliased += size
        allowed = max(MIN_ALIAS_NODES, ALIAS_NODES_PER_WRITTEN_NODE * self._written)
        if self._aliased > allowed:
            raise _bound_error(
                f"aliases expand to more than {allowed:,} values (an alias bomb?); "
                "write the values out or use fewer nested aliases", event)
        return node

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            if node.__class__ is ScalarNode and node.tag in _SCALAR_TAGS:
                # an immutable value: PyYAML's memo and recursion bookkeeping buy nothing
                return self.yaml_constructors[node.tag](self, node)
            return super().construct_object(node, deep)
        except _SCALAR_FAILURES as exc:
            if not isinstance(node, ScalarNode):
                raise
            tag = node.tag.replace(_STANDARD, "!!")
            why = f" ({exc})" if type(exc) is ValueError else ""
            raise ConstructorError(None, None, f"{cut_middle(node.value)!r} cannot be read as "
                                   f"{tag}{why}; "
                                   "quote it to keep it as text", node.start_mark) from None


def _size_of(node: Node, sizes: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """Nodes ``node`` stands for with every alias expanded, and the levels it nests."""
    if isinstance(node, ScalarNode):
        return 1, 1
    children: list[Node] = []
    if isinstance(node, MappingNode):
        for key, value in node.value:
            children += (key, value)
    elif isinstance(node, SequenceNode):
        children = list(node.value)
    known = [sizes.get(id(child), (1, 1)) for child in children]
    return 1 + sum(s for s, _ in known), 1 + max((h for _, h in known), default=0)


def kind_matches_tag(node: Node) -> bool:
    """Whether ``node`` is the kind of node its standard tag needs (any other tag: True)."""
    expected = _NODE_KIND.get(node.tag)
    return expected is None or isinstance(node, expected)


def _check_kind(node: Node) -> None:
    """A standard tag written on the wrong kind of node is an error at the node."""
    if kind_matches_tag(node):
        return
    expected = _NODE_KIND[node.tag]
    short = node.tag.replace(_STANDARD, "!!")
    raise ConstructorError(None, None, f"the tag {short} needs {_KIND_WORD[expected]}, "
                           f"but it is on {_KIND_WORD[type(node)]}", node.start_mark)


def _bound_error(message: str, event: yaml.Event) -> InputBoundError:
    mark = event.start_mark
    if mark is None:
        return InputBoundError(message)
    return InputBoundError(message, mark.line + 1, mark.column + 1)


class _VaultBoundedLoader(BoundedLoader):
    """BoundedLoader plus the ``!vault`` tag, for plain vars files."""


add_vault_tag(_VaultBoundedLoader)


def load_bounded_yaml(text: str, file: str) -> tuple[Any, Problem | None]:
    """One YAML document of plain values, or the problem (with its position) that stops it."""
    try:
        loader = _VaultBoundedLoader(text)
    except InputBoundError as exc:
        return None, exc.problem(file)
    try:
        return loader.get_single_data(), None
    except InputBoundError as exc:
        return None, exc.problem(file)
    except yaml.YAMLError as exc:
        return None, plain_yaml_problem(exc, file)
    finally:
        loader.dispose()


def plain_yaml_problem(error: yaml.YAMLError, file: str) -> Problem:
    """A YAML error in words, at its file, line and column when it has them."""
    if not isinstance(error, yaml.MarkedYAMLError):
        return Problem(f"invalid YAML: {error}", Position(file))
    mark = error.problem_mark or error.context_mark
    words = error.problem or "invalid YAML"
    if error.context:
        words = f"{words} ({error.context})"
    if mark is None:
        return Problem(f"YAML syntax error: {words}", Position(file))
    return Problem(f"YAML syntax error: {words}", Position(file, mark.line + 1, mark.column + 1))

