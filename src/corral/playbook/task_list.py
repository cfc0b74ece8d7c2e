"""Read a list of tasks: plain tasks, ``block``s, and inlined ``import_tasks`` files."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from corral.errors import Position
from corral.input_bounds import path_problem
from corral.playbook.common import CommonKeywords, read_common
from corral.playbook.context import ParseContext
from corral.playbook.keywords import BLOCK_KEYWORDS, IMPORT_KEYWORDS, keyword_names
from corral.playbook.model import Block, TaskNode
from corral.playbook.module_defaults import defaults_in_scope, read_module_defaults
from corral.playbook.task import read_task
from corral.playbook.task_keys import short_name
from corral.playbook.tasks_file import load_tasks_file
from corral.playbook.values import describe
from corral.playbook.yaml_loader import PosDict, PosList


@dataclass(frozen=True)
class TaskScope:
    """Which file a task list is in, the files including it, and whether it holds handlers."""

    file: Path
    playbook_dir: Path
    stack: tuple[Path, ...] = ()
    handlers: bool = False


def read_task_list(ctx: ParseContext, value: Any, where: Position | None, what: str,
                   scope: TaskScope) -> list[TaskNode]:
    """The tasks in ``value`` (the content of ``what``: tasks, block, rescue, …)."""
    if value is None:
        return []
    if not isinstance(value, list):
        ctx.add(f"'{what}' must be a list of tasks; got {describe(value)}", where)
        return []
    nodes: list[TaskNode] = []
    for index, item in enumerate(value):
        at = value.item_position(index) if isinstance(value, PosList) else where
        if not isinstance(item, PosDict):
            ctx.add(f"a task must be a mapping (module and keywords); got {describe(item)}", at)
        else:
            nodes.extend(_read_node(ctx, item, scope))
    return nodes


def _read_node(ctx: ParseContext, data: PosDict, scope: TaskScope) -> list[TaskNode]:
    from corral.playbook.import_role import read_import_role
    from corral.playbook.include_task import DYNAMIC, read_include
    from corral.playbook.task import task_keywords

    if data.get("when") is not None and not ctx.conditional:
        ctx = replace(ctx, conditional=True)
    actions = {short_name(key): key for key in map(str, data)}
    if "import_tasks" in actions:
        return _read_import(ctx, data, actions["import_tasks"], scope)
    if "import_role" in actions:
        return read_import_role(ctx, data, actions["import_role"], scope)
    dynamic = [name for name in DYNAMIC if name in actions]
    if dynamic:
        return [read_include(ctx, data, actions[dynamic[0]], task_keywords(scope.handlers))]
    if "block" in data:
        block = _read_block(ctx, data, scope)
        return [block] if block is not None else []
    task = read_task(ctx, data, handler=scope.handlers)
    return [task] if task is not None else []


def _read_block(ctx: ParseContext, data: PosDict, scope: TaskScope) -> Block | None:
    if scope.handlers:
        ctx.add("'block' in handlers is not supported by corral", data.key_position("block"))
        return None
    allowed = keyword_names(BLOCK_KEYWORDS)
    for key in map(str, data):
        if key not in allowed:
            ctx.add(_stray_block_key(ctx, key, allowed), data.key_position(key))
    common = read_common(ctx, data)
    defaults = read_module_defaults(ctx, data)

    def section(name: str) -> list[TaskNode]:
        with defaults_in_scope(ctx, defaults):
            return read_task_list(ctx, data.get(name), data.key_position(name), name, scope)

    return Block(position=data.position or Position(str(scope.file)),
                 block=section("block"), rescue=section("rescue"), always=section("always"),
                 keyword_positions=common.positions, module_defaults=defaults,
                 **_block_keywords(common))


def _stray_block_key(ctx: ParseContext, key: str, allowed: frozenset[str]) -> str:
    if ctx.modules.lookup(short_name(key)) is not None:
        return f"a block cannot have a module ('{key}'); put it in a task under 'block'"
    close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown block keyword '{key}'{hint} (supported: {', '.join(sorted(allowed))})"


def _block_keywords(common: CommonKeywords) -> dict[str, Any]:
    return {
        "name": common.name, "when": common.when, "become": common.become,
        "become_user": common.become_user, "become_method": common.become_method,
        "tags": common.tags, "vars": common.vars,
        "environment": common.environment, "ignore_errors": common.ignore_errors,
        "check_mode": common.check_mode, "diff": common.diff, "no_log": common.no_log,
        "any_errors_fatal": common.any_errors_fatal,
        "ignore_unreachable": common.ignore_unreachable, "run_once": common.run_once,
        "throttle": common.throttle, "timeout": common.timeout,
    }


def _read_import(ctx: ParseContext, data: PosDict, key: str, scope: TaskScope) -> list[TaskNode]:
    """Inline a static tasks file; keywords on the import become a block around it."""
    extra = [k for k in map(str, data) if k != key and k not in IMPORT_KEYWORDS]
    for other in extra:
        ctx.add(f"'{other}' on {short_name(key)} is not supported by corral "
                f"(allowed: {', '.join(sorted(IMPORT_KEYWORDS))})", data.key_position(other))
    path = load_target(ctx, data, key, scope)
    if path is None:
        return []
    content = load_tasks_file(ctx, path)
    inner = replace(scope, file=path, stack=(*scope.stack, path.resolve()))
    defaults = read_module_defaults(ctx, data)
    with defaults_in_scope(ctx, defaults):
        nodes = read_task_list(ctx, content, Position(str(path)), str(path), inner)
    keywords = [k for k in map(str, data) if k in IMPORT_KEYWORDS and k != "name"]
    if not keywords:
        return nodes
    if scope.handlers:
        ctx.add(f"keywords on {short_name(key)} in handlers are not supported by corral; "
                "put them on the handlers", data.key_position(keywords[0]))
        return nodes
    common = read_common(ctx, data)
    return [Block(position=data.position or Position(str(scope.file)), block=nodes,
                  keyword_positions=common.positions, module_defaults=defaults,
                  **_block_keywords(common))]


def load_target(ctx: ParseContext, data: PosDict, key: str, scope: TaskScope) -> Path | None:
    """The file an import names, checked: static, found, and not already being read."""
    where = data.key_position(key)
    target = data[key]
    if isinstance(target, dict):
        target = target.get("file")
    if not isinstance(target, str) or not target.strip():
        ctx.add(f"{short_name(key)} needs a file name; got {describe(target)}", where)
        return None
    if "{{" in target or "{%" in target:
        ctx.add(f"{short_name(key)} with a templated file name is not supported by corral; "
                "name the file", where)
        return None
    unusable = path_problem(target, f"{short_name(key)} file")
    if unusable is not None:
        ctx.add(unusable, where)
        return None
    path = _resolve(target, scope)
    if path is None:
        ctx.add(f"{short_name(key)}: file '{target}' not found (looked in "
                f"{scope.file.parent} and {scope.playbook_dir})", where)
        return None
    if path.resolve() in scope.stack:
        chain = " -> ".join(p.name for p in (*scope.stack, path.resolve()))
        ctx.add(f"{short_name(key)} cycle: {chain}", where)
        return None
    return path


def _resolve(target: str, scope: TaskScope) -> Path | None:
    for folder in (scope.file.parent, scope.playbook_dir):
        candidate = folder / target
        if candidate.is_file():
            return candidate
    return None
