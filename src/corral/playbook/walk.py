"""Visit every task of a task list, blocks included (block, rescue, always)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from corral.playbook.model import Block, Task, TaskNode


def walk_tasks(nodes: Iterable[TaskNode]) -> Iterator[Task]:
    """Every ``Task`` in ``nodes``, depth first, in file order."""
    for node in nodes:
        if isinstance(node, Block):
            yield from walk_tasks(node.block)
            yield from walk_tasks(node.rescue)
            yield from walk_tasks(node.always)
        else:
            yield node
