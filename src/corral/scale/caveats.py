"""What does not shard cleanly, said before anything runs.

Each shard is its own run: ``serial``, ``max_fail_percentage`` and ``run_once``
count only the shard's hosts, and ``hostvars``/``groups`` still name every host of
the inventory, but hosts outside the shard hold only their inventory variables
(no facts, no registered values).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, is_dataclass
from typing import Any

from corral.playbook.model import Block, Play, Playbook, Task, TaskNode
from corral.scale.shard import Shard


def shard_warnings(playbook: Playbook, shard: Shard) -> list[str]:
    """One warning per play and per thing that applies within the shard only."""
    warnings: list[str] = []
    for play in playbook.plays:
        label = f"play {play.name or play.hosts!r}"
        if play.serial:
            warnings.append(f"--shard {shard}: {label}: 'serial' makes batches of this "
                            "shard's hosts, not of the whole fleet")
        if play.max_fail_percentage is not None:
            warnings.append(f"--shard {shard}: {label}: 'max_fail_percentage' counts this "
                            "shard's hosts only")
        tasks = list(_tasks(play))
        if any(task.run_once for task in tasks):
            warnings.append(f"--shard {shard}: {label}: 'run_once' tasks run once per shard")
        if _mentions_other_hosts(play):
            warnings.append(
                f"--shard {shard}: {label} reads 'hostvars' or 'groups': hosts outside this "
                "shard have only their inventory variables there (no facts, no registered "
                "values); a task that needs them fails with an undefined variable"
            )
    return warnings


def _tasks(play: Play) -> Iterator[Task]:
    for nodes in (play.pre_tasks, play.tasks, play.post_tasks, play.handlers):
        yield from _flatten(nodes)


def _flatten(nodes: Iterable[TaskNode]) -> Iterator[Task]:
    for node in nodes:
        if isinstance(node, Block):
            if node.run_once:
                yield Task(module="block", position=node.position, run_once=True)
            yield from _flatten([*node.block, *node.rescue, *node.always])
        else:
            yield node


def _mentions_other_hosts(play: Play) -> bool:
    text = json.dumps(_plain(play), default=str)
    return "hostvars" in text or "groups[" in text or "groups." in text


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return value
