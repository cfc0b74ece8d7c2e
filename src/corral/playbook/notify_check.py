"""Every ``notify`` must name a handler of the same play (by ``name`` or ``listen``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from corral.errors import Problem
from corral.playbook.context import ParseContext
from corral.playbook.model import Task, TaskNode
from corral.playbook.values import is_template
from corral.playbook.walk import walk_tasks


def handler_topics(handlers: Iterable[Task]) -> set[str]:
    """The names and listen topics a play's handlers answer to."""
    topics: set[str] = set()
    for handler in handlers:
        if handler.name:
            topics.add(handler.name)
            if handler.role is not None:
                topics.add(f"{handler.role.name} : {handler.name}")
        topics.update(handler.listen)
    return topics


def check_notify(ctx: ParseContext, tasks: list[TaskNode], handlers: list[Task]) -> None:
    """Record a problem, at the notify line, for each name no handler answers to."""
    topics = handler_topics(handlers)
    every = list(walk_tasks([*tasks, *handlers]))
    # include_role brings handlers in at run time: an unknown name is then only a warning.
    dynamic = any(task.module == "include_role" for task in every)
    for task in every:
        for index, name in enumerate(task.notify):
            if name in topics or is_template(name):
                continue
            close = difflib.get_close_matches(name, sorted(topics), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            where = task.keyword_positions.get(f"notify[{index}]",
                                               task.keyword_positions.get("notify"))
            message = (f"notify '{name}': no handler of this play has that name or listens "
                       f"to it{hint}")
            if dynamic:
                ctx.warnings.append(Problem(message + " (an include_role may bring it)", where))
            else:
                ctx.add(message, where)
