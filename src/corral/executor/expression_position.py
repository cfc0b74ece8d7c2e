"""Where in the playbook a task's failed template is: file:line:col of the expression.

The loader keeps the position of each argument and keyword (its key). A template
error names the field it came from (``msg``, ``args.dest``, ``condition``) and,
for an undefined variable, the name: the name's first use at or after the key, on
the key's line or the few below it (a folded or listed value), is the column. A
file that cannot be read (or is vault-encrypted) falls back to the key's position.
"""

from __future__ import annotations

import re
from pathlib import Path

from corral.errors import CorralError, Position, TemplateError
from corral.playbook.model import Task

_CONDITIONS = ("when", "failed_when", "changed_when", "until")
_LOOKAHEAD = 20  # lines below the key that may still hold its value
_MAX_FILE = 4 * 1024 * 1024


def _field_key(field: str) -> str:
    found = re.match(r"[^.\[]+", field)
    return found.group(0) if found else field


def _starts(task: Task, field: str) -> list[Position]:
    key = _field_key(field)
    if key == "condition":
        return [task.keyword_positions[k] for k in _CONDITIONS if k in task.keyword_positions]
    start = task.arg_positions.get(key) or task.keyword_positions.get(key)
    return [start] if start is not None else []


def _lines(path: str) -> list[str]:
    try:
        file = Path(path)
        if file.stat().st_size > _MAX_FILE:
            return []
        return file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _find(start: Position, word: str, lines: list[str]) -> Position | None:
    if start.line is None:
        return None
    pattern = re.compile(rf"(?<![\w.]){re.escape(word)}(?!\w)")
    first = start.line - 1
    for index in range(first, min(first + _LOOKAHEAD, len(lines))):
        offset = (start.column or 1) - 1 if index == first else 0
        found = pattern.search(lines[index], offset)
        if found is not None:
            return Position(start.file, index + 1, found.start() + 1)
    return None


def expression_position(exc: TemplateError, task: Task) -> Position | None:
    """The undefined name's (or the field's) position in the task's file, if known."""
    if not exc.field:
        return None
    starts = _starts(task, exc.field)
    if exc.undefined and starts:
        lines = _lines(starts[0].file)
        for start in starts:
            found = _find(start, exc.undefined, lines)
            if found is not None:
                return found
    return starts[0] if starts else None


def task_error_text(exc: CorralError, task: Task) -> str:
    """``str(exc)``, led by file:line:col for a template error that has no position."""
    if isinstance(exc, TemplateError) and all(p.position is None for p in exc.problems):
        where = expression_position(exc, task)
        if where is not None:
            return f"{where}: {exc}"
    return str(exc)
