"""Apply a block's keywords to the tasks inside it, as Ansible does."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from corral.playbook.model import Block, Task, TaskNode

_OVERRIDABLE = ("become", "become_user", "become_method", "check_mode", "diff", "no_log", "any_errors_fatal",
                "ignore_unreachable", "throttle", "timeout")


def inherit_node(node: TaskNode, parent: Block) -> TaskNode:
    """``node`` with ``parent``'s keywords applied (the node's own win)."""
    if isinstance(node, Block):
        merged = _merge(node, parent)
        assert isinstance(merged, Block)
        result: Block = replace(
            merged,
            block=[inherit_node(n, merged) for n in node.block],
            rescue=[inherit_node(n, merged) for n in node.rescue],
            always=[inherit_node(n, merged) for n in node.always],
        )
        return result
    return _merge(node, parent)


def _merge(node: TaskNode, parent: Block) -> TaskNode:
    changes: dict[str, Any] = {
        "when": list(parent.when) + list(node.when),
        "tags": list(dict.fromkeys(list(parent.tags) + list(node.tags))),
        "vars": {**parent.vars, **node.vars},
        "environment": {**parent.environment, **node.environment},
        "module_defaults": list(parent.module_defaults) + list(node.module_defaults),
        "include_params": {**parent.include_params, **node.include_params},
    }
    if node.role is None and parent.role is not None:
        changes["role"] = parent.role
    for name in _OVERRIDABLE:
        if getattr(node, name) is None and getattr(parent, name) is not None:
            changes[name] = getattr(parent, name)
    if parent.run_once and not node.run_once:
        changes["run_once"] = True
    if isinstance(node, Task):
        if parent.ignore_errors is not None and node.ignore_errors is False:
            changes["ignore_errors"] = parent.ignore_errors
        if parent.no_log is not None and node.no_log is False:
            changes["no_log"] = parent.no_log
    elif parent.ignore_errors is not None and node.ignore_errors is None:
        changes["ignore_errors"] = parent.ignore_errors
    merged: TaskNode = replace(node, **changes)
    return merged


def prepared_block(block: Block) -> Block:
    """A top-level block with its keywords pushed down into every task."""
    return replace(
        block,
        block=[inherit_node(n, block) for n in block.block],
        rescue=[inherit_node(n, block) for n in block.rescue],
        always=[inherit_node(n, block) for n in block.always],
    )
