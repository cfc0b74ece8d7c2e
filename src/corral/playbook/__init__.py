"""Playbooks: a position-keeping YAML loader, the typed model, keywords, validation.

``load_playbook(path, modules)`` returns a ``Playbook`` or raises one
``PlaybookError`` listing every problem with its file, line and column.
"""

from corral.playbook.keywords import keyword_rows
from corral.playbook.loader import load_playbook
from corral.playbook.lookup import ArgLike, ArgsInfo, ModuleLookup
from corral.playbook.loops import loop_items
from corral.playbook.model import Block, LoopControl, Play, Playbook, Task, TaskNode
from corral.playbook.walk import walk_tasks

__all__ = [
    "ArgLike",
    "ArgsInfo",
    "Block",
    "LoopControl",
    "ModuleLookup",
    "Play",
    "Playbook",
    "Task",
    "TaskNode",
    "keyword_rows",
    "load_playbook",
    "loop_items",
    "walk_tasks",
]
