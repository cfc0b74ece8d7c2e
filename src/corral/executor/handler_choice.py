"""Which handler a notification by name runs: one handler, as in ansible-core.

A name (or a role's ``role : name``) notifies a single handler: the last one
loaded with that name, handlers an ``include_role`` brought in coming after the
play's (so they win), resolved when handlers run. A ``listen`` topic notifies
every handler that listens to it.
"""

from __future__ import annotations

from collections.abc import Sequence

from corral.playbook.model import Task


def handler_names(handler: Task) -> list[str]:
    """The names that notify this handler: its name, and ``role : name`` in a role."""
    names = [handler.name] if handler.name else []
    if handler.role is not None and handler.name:
        names.append(f"{handler.role.name} : {handler.name}")
    return names


def handlers_by_name(static: Sequence[Task], included: Sequence[Task]) -> dict[str, Task]:
    """Each handler name mapped to the one handler it runs."""
    chosen: dict[str, Task] = {}
    for handler in [*static, *included]:
        for name in handler_names(handler):
            chosen[name] = handler
    return chosen
