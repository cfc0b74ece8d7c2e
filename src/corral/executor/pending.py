"""Three-valued check mode: a task whose inputs depend on a change not made yet is unknown.

In check mode a registered result of a task that only simulated its change (changed,
or skipped because commands do not run in check mode) is *pending*: it lacks what the
real run would give (``stdout``, ``rc``, …). A later task that fails to render because
it reads such a result cannot be predicted: it is ``unknown`` with the reason
"depends on 'TASK', which would change", not a failure. Unknown is drift (check exits 2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from corral.playbook.model import Task
from corral.report.model import Status, TaskResult

_SIMULATED = (Status.CHANGED, Status.UNKNOWN)


def is_simulated(result: TaskResult) -> bool:
    """Check mode only pretended: the registered result is not what a real run would give."""
    if result.status in _SIMULATED:
        return True
    return result.status is Status.SKIPPED and "check mode" in result.msg


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield str(key)
            yield from _strings(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _strings(inner)


def task_templates(task: Task) -> list[str]:
    """Every text of the task that is templated: arguments, conditions, loop, name."""
    parts = [task.args, task.when, task.loop, task.name, task.until, task.changed_when,
             task.failed_when]
    return [text for part in parts for text in _strings(part)]


def pending_dependency(task: Task, pending: Mapping[str, str]) -> str | None:
    """The task a pending variable this task reads came from, if it reads one."""
    if not pending:
        return None
    texts = task_templates(task)
    for name, origin in pending.items():
        word = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
        if any(word.search(text) for text in texts):
            return origin
    return None


def unknown_reason(origin: str) -> str:
    return f"depends on '{origin}', which would change"
