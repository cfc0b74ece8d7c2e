"""Whether a play may add hosts or groups to the inventory while it runs."""

from __future__ import annotations

from corral.playbook.model import Play
from corral.playbook.walk import walk_tasks

# add_host and group_by edit the inventory; an include's tasks are only known when it runs.
_MAY_EDIT = frozenset({"add_host", "group_by", "include_tasks", "include_role", "include"})


def _short(module: str) -> str:
    return module.rsplit(".", 1)[-1]


def may_edit_inventory(play: Play) -> bool:
    """True when a task of ``play`` (handlers included) may add hosts or groups."""
    tasks = [*play.pre_tasks, *play.tasks, *play.post_tasks, *play.handlers]
    return any(_short(task.module) in _MAY_EDIT for task in walk_tasks(tasks))
