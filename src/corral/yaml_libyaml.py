"""libyaml's parser and composer, held to the bounds of ``BoundedLoader``.

PyYAML's pure parser reads about 0.3 MB/s, so a 100,000-host YAML inventory took half
a minute. libyaml parses and composes the node graph in C, ~20x faster, but in C:
``BoundedLoader``'s checks, which run while composing, never see its nodes. So the
fast path is: libyaml composes (its own limit of 1,000 nested levels keeps its
recursion bounded, and is probed before it is trusted), ``within_bounds`` walks the
composed graph and repeats every check of ``BoundedLoader`` in document order (depth,
self-referencing anchors, alias expansion against the nodes written so far, tags on
the wrong kind of node), and only then are values constructed, by the same Python
constructor. The caller falls back to the pure loader for anything the fast path
does not accept, so a bad document gets exactly the pure loader's message.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from itertools import chain
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from corral.input_bounds import (
    ALIAS_NODES_PER_WRITTEN_NODE,
    MAX_NESTING,
    MIN_ALIAS_NODES,
    InputBoundError,
    check_characters,
)
from corral.yaml_bounds import BoundedLoader, kind_matches_tag

_LEAF = (1, 1)  # (expanded nodes, height) of a scalar
_COLLECTION_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("seq", "omap", "pairs", "map", "set"))


@cache
def libyaml_is_bounded() -> bool:
    """Whether PyYAML has libyaml, and libyaml refuses nesting past 1,000 levels itself.

    Older libyaml releases have no such limit, and PyYAML's C composer recurses: a deep
    document would overflow the C stack before any Python check could run.
    """
    if not getattr(yaml, "__with_libyaml__", False):
        return False
    try:
        yaml.CSafeLoader("[" * 1001 + "]" * 1001).get_single_node()
    except yaml.YAMLError:
        return True
    return False


@cache
def libyaml_class(loader_class: type[BoundedLoader]) -> type[Any]:
    """``loader_class`` with libyaml's parser and composer (its constructor unchanged).

    Only when ``libyaml_is_bounded()``. The subclass's ``__init__`` takes the same
    arguments; the caller must use ``compose_bounded`` (never ``get_single_data``),
    which checks before constructing.
    """

    class LibyamlLoader(yaml.cyaml.CParser, loader_class):  # type: ignore[name-defined,misc,valid-type]
        def __init__(self, stream: str, *args: Any) -> None:
            check_characters(stream)  # as BoundedLoader does, which here reads ""
            loader_class.__init__(self, "", *args)  # the Python side's state; parses nothing
            yaml.cyaml.CParser.__init__(self, stream)  # type: ignore[attr-defined]

        if not loader_class.yaml_path_resolvers:  # PyYAML's resolver, less its per-node cost
            def descend_resolver(self, current_node: Any, current_index: Any) -> None:
                return None

            def ascend_resolver(self) -> None:
                return None

            def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
                if kind is not ScalarNode:
                    return loader_class.resolve(self, kind, value, implicit)  # type: ignore[no-untyped-call,no-any-return]
                if implicit[0]:
                    for tag, regexp in implicit_resolvers.get(value[:1], wildcard):
                        if regexp.match(value):
                            return tag  # type: ignore[no-any-return]
                return self.DEFAULT_SCALAR_TAG  # type: ignore[no-any-return]

    wildcard = list(loader_class.yaml_implicit_resolvers.get(None, []))
    implicit_resolvers = {first: list(resolvers) + wildcard
                          for first, resolvers in loader_class.yaml_implicit_resolvers.items()
                          if first is not None}
    LibyamlLoader.__name__ = LibyamlLoader.__qualname__ = f"Libyaml{loader_class.__name__}"
    return LibyamlLoader


def compose_bounded(loader: Any, text: str) -> Node | None:
    """The node graph of ``text`` from its ``libyaml_class`` loader, or None when the
    fast path refuses it (a syntax error, a broken bound, an empty document): the
    caller then loads with the pure loader, which words the problem."""
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    if "&" not in text and "!" not in text:  # no anchor, no tag: only the depth to check
        return node if tree_within_depth(node) else None
    return node if within_bounds(node) else None


def construct_bounded(fast_class: type[Any], text: str, *args: Any) -> tuple[Any, Any] | None:
    """``(loader, data)`` of ``text`` on the fast path: a ``fast_class`` (made by
    ``libyaml_class``) composes, ``compose_bounded`` checks, the constructor builds;
    None when the fast path refuses it (the caller loads with the pure loader). The
    loader is disposed of but keeps what its constructor recorded (positions, problems)."""
    try:
        loader = fast_class(text, *args)
    except InputBoundError:
        return None
    try:
        node = compose_bounded(loader, text)
        if node is None:
            return None
        return loader, loader.construct_document(node)
    except (InputBoundError, yaml.YAMLError):
        return None
    finally:
        loader.dispose()


def tree_within_depth(root: Node) -> bool:
    """Whether a node tree (no node shared: no anchors) nests at most ``MAX_NESTING`` deep."""
    level, depth = [root], 1
    while level:
        if depth >= MAX_NESTING:  # anything below this level is one level too deep
            return not any(node.value for node in level if node.__class__ is not ScalarNode)
        below: list[Node] = []
        for node in level:
            if node.__class__ is MappingNode:
                below += [part for pair in node.value for part in pair
                          if part.__class__ is not ScalarNode]
            elif node.__class__ is SequenceNode:
                below += [child for child in node.value if child.__class__ is not ScalarNode]
        level, depth = below, depth + 1
    return True


def within_bounds(root: Node) -> bool:
    """Whether ``BoundedLoader`` would compose ``root``'s document without a bound error.

    Walks the graph without recursion, children in document order, counting as
    ``BoundedLoader.compose_node`` counts: a node met a second time is an alias
    (libyaml's composer hands out the anchored node object itself for ``*a``), a node
    is written when it is finished. Scalars, most of a document, are handled inline.
    """
    if isinstance(root, ScalarNode):
        return kind_matches_tag(root)
    done: dict[int, tuple[int, int]] = {}  # finished nodes: (expanded nodes, height)
    open_ids = {id(root)}
    written = aliased = 0
    # a frame: node, its children (an iterator, resumed), depth, expanded nodes, tallest child
    frames: list[list[Any]] = [[root, _children(root), 1, 1, 0]]
    while frames:
        frame = frames[-1]
        depth, size, tallest = frame[2], frame[3], frame[4]
        for child in frame[1]:
            known = done.get(id(child))
            if known is not None:  # an alias of a finished node
                aliased += known[0]
                allowed = max(MIN_ALIAS_NODES, ALIAS_NODES_PER_WRITTEN_NODE * written)
                if depth + known[1] > MAX_NESTING or aliased > allowed:
                    return False
                size, tallest = size + known[0], max(tallest, known[1])
            elif depth + 1 > MAX_NESTING or id(child) in open_ids:
                return False  # too deep, or an anchor inside itself
            elif child.__class__ is ScalarNode:
                if child.tag in _COLLECTION_TAGS:
                    return False
                written += 1
                done[id(child)] = _LEAF
                size, tallest = size + 1, max(tallest, 1)
            else:
                frame[3], frame[4] = size, tallest
                open_ids.add(id(child))
                frames.append([child, _children(child), depth + 1, 1, 0])
                break
        else:  # every child seen: the node is written
            node = frames.pop()[0]
            open_ids.discard(id(node))
            if not kind_matches_tag(node):
                return False
            written += 1
            done[id(node)] = finished = (size, tallest + 1)
            if frames:
                parent = frames[-1]
                parent[3] += finished[0]
                parent[4] = max(parent[4], finished[1])
    return True


def _children(node: Node) -> Iterator[Node]:
    if isinstance(node, MappingNode):
        return chain.from_iterable(node.value)
    return iter(node.value)
