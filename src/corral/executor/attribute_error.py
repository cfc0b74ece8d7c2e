"""A missing attribute of a registered result, said as a user wrote it.

"'dict object' has no attribute 'stdout'" becomes "'v' (registered by task 'probe', which
was skipped) has no attribute 'stdout'": the variable and the task that registered it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from corral.executor.pending import strings_in
from corral.playbook.model import Task

# After an optional "file:line:col: " the task's position leads with.
_NO_ATTRIBUTE = re.compile(r"'\w+ object' has no attribute '(?P<attr>[^']+)'")


def _reads(text: str, name: str, attr: str) -> bool:
    name, attr = re.escape(name), re.escape(attr)
    return re.search(rf"(?<![\w.]){name}\s*(?:\.\s*{attr}\b|\[\s*['\"]{attr}['\"]\s*\])",
                     text) is not None


def name_the_variable(message: str, task: Task, registered_by: Mapping[str, str]) -> str:
    """``message`` with the registered variable it is about named, when the task reads one."""
    match = _NO_ATTRIBUTE.search(message)
    if match is None or (match.start() and not message[:match.start()].endswith(": ")):
        return message
    attr = match["attr"]
    texts = list(strings_in([task.args, task.when, task.loop, task.name, task.changed_when,
                             task.failed_when, task.until]))
    for name, origin in registered_by.items():
        if any(_reads(text, name, attr) for text in texts):
            return (message[:match.start()]
                    + f"'{name}' (registered by {origin}) has no attribute '{attr}'"
                    + message[match.end():])
    return message
