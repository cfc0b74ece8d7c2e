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
from functools import lru_cache
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, nodes

from corral.playbook.model import Task
from corral.prepare.context import PrepareContext, find_local
from corral.report.model import Status, TaskResult

_SIMULATED = (Status.CHANGED, Status.UNKNOWN)


def is_simulated(result: TaskResult) -> bool:
    """Check mode only pretended: the registered result is not what a real run would give."""
    if result.status in _SIMULATED:
        return True
    return result.status is Status.SKIPPED and "check mode" in result.msg


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside a value (mapping values, list items), depth first."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for inner in value.values():
            yield from strings_in(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from strings_in(inner)


@lru_cache(maxsize=1)
def _parser() -> Environment:
    """Parses only (never renders): finds the variables a template reads."""
    return Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])


@lru_cache(maxsize=4096)
def parsed(text: str, expression: bool) -> nodes.Template | None:
    """The Jinja tree of ``text``: a template, or (``expression``) a bare condition.

    None when it does not parse (not ours to report here). Shared with
    ``fact_needs``, which reads the same trees for the facts a run uses.
    """
    source = f"{{{{ ({text}) }}}}" if expression and "{{" not in text else text
    try:
        return _parser().parse(source)
    except TemplateSyntaxError:
        return None


@lru_cache(maxsize=4096)
def _names_read(text: str, expression: bool) -> frozenset[str]:
    """The variables ``text`` reads: a template, or (``expression``) a bare condition."""
    if not expression and "{{" not in text and "{%" not in text:
        return frozenset()  # plain text reads nothing
    tree = parsed(text, expression)
    if tree is None:  # every word may be a name
        return frozenset(re.findall(r"[A-Za-z_]\w*", text))
    # names the template reads and does not set itself (loop variables, {% set %})
    found = list(tree.find_all(nodes.Name))
    read = {n.name for n in found if n.ctx == "load"}
    return frozenset(read - {n.name for n in found if n.ctx == "store"})


def names_read(task: Task) -> frozenset[str]:
    """Every variable the task's templates read: arguments, conditions, loop, name.

    Its own ``changed_when``/``failed_when``/``until`` read its own new result, not an
    older one registered under the same name.
    """
    names: set[str] = set()
    for part in (task.args, task.loop, task.name):
        for text in strings_in(part):
            names |= _names_read(text, False)
    for text in strings_in(task.when):
        names |= _names_read(text, True)
    own: set[str] = set()
    for text in strings_in([task.until, task.changed_when, task.failed_when]):
        own |= _names_read(text, True)
    return frozenset(names | (own - {task.register}))


_MAX_TEMPLATE = 1024 * 1024  # a bigger template file is not scanned (its rendering still is)


def template_names_read(src: str, context: PrepareContext) -> frozenset[str]:
    """The variables the template file ``src`` reads (found as the template step finds it)."""
    path = find_local(src, context.search_dirs("templates")) if src else None
    if path is None or not path.is_file() or path.stat().st_size > _MAX_TEMPLATE:
        return frozenset()
    return _names_read(path.read_text(encoding="utf-8", errors="replace"), False)


def pending_dependency(task: Task, pending: Mapping[str, str],
                       also_read: frozenset[str] = frozenset()) -> str | None:
    """The task a pending variable this task reads came from, if it reads one.

    ``also_read``: names read elsewhere than in the task (its template file).
    """
    if not pending:
        return None
    read = names_read(task) | also_read
    for name, origin in pending.items():
        if name in read:
            return origin
    return None


def unknown_reason(origin: str) -> str:
    return f"depends on '{origin}', which would change"
