"""Load a tasks file named by import_tasks/include_tasks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corral.errors import Position
from corral.playbook.context import ParseContext
from corral.playbook.values import describe
from corral.playbook.yaml_loader import load_yaml_file, position_of


def load_tasks_file(ctx: ParseContext, path: Path) -> Any:
    """The list of tasks in ``path`` (None when empty or broken; problems recorded)."""
    content, problems = load_yaml_file(path)
    ctx.extend(problems)
    if content is None or isinstance(content, list):
        return content
    ctx.add(f"a tasks file must be a list of tasks; got {describe(content)}",
            position_of(content) or Position(str(path)))
    return None
