"""Expand ``include_tasks`` / ``include_role`` for one host: when, loop, name, load.

Each include (one per loop item) becomes an ``Inclusion``: a block holding the
loaded tasks, with the include's ``apply`` keywords and its vars and loop item
as include params (above set_fact, as in ansible-core). The include's own
``when`` and ``tags`` stay on the include. Hosts whose inclusions share a key
run those tasks together (linear strategy), in the order first reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corral.errors import CorralError, Position
from corral.executor.host_state import HostState
from corral.executor.include_loader import IncludeLoader
from corral.executor.lazy_facts import facts_missing
from corral.executor.play_context import PlayContext
from corral.playbook.common import read_common
from corral.playbook.context import ParseContext
from corral.playbook.import_role import role_request
from corral.playbook.loops import loop_items
from corral.playbook.model import Block, RoleRef, Task, TaskNode
from corral.playbook.yaml_loader import PosDict
from corral.report.model import Status, TaskResult
from corral.templating import Templar, VariableStack


@dataclass(frozen=True)
class Inclusion:
    """What one include brought in for a host."""

    key: str
    nodes: list[TaskNode]
    handlers: list[Task] = field(default_factory=list)
    public: RoleRef | None = None


@dataclass
class Expansion:
    """One host's result of an include task and what it included."""

    results: list[TaskResult]  # one per inclusion (ansible-core counts each loop item)
    inclusions: list[Inclusion] = field(default_factory=list)


class IncludeExpander:
    """Turns an include task into the tasks it includes, host by host."""

    def __init__(self, loader: IncludeLoader,
                 make_templar: Callable[[VariableStack], Templar]) -> None:
        self.loader = loader
        self.make_templar = make_templar

    def expand(self, state: HostState, task: Task, context: PlayContext) -> Expansion:
        name = task.name or task.module
        try:
            items = self._items(state, task, context)
            inclusions: list[Inclusion] = []
            labels: list[str] = []
            for item in items:
                templar = self.make_templar(context.stack_for(state, task, item))
                if task.when and not templar.condition(task.when):
                    continue
                label, inclusion = self._one(task, templar, item or {})
                inclusions.append(inclusion)
                labels.append(label)
        except CorralError as exc:
            missing = facts_missing(exc)
            if missing is not None:
                raise missing from None  # gathered by the caller, then expanded again
            return Expansion([TaskResult(state.name, name, task.module, Status.FAILED,
                                         msg=str(exc))])
        if not inclusions:
            return Expansion([TaskResult(state.name, name, task.module, Status.SKIPPED,
                                         msg="Conditional result was False")])
        results = [TaskResult(state.name, name, task.module, Status.OK, msg=f"included: {label}")
                   for label in labels]
        return Expansion(results, inclusions)

    def _items(self, state: HostState, task: Task, context: PlayContext) -> list[dict[str, Any] | None]:
        if task.loop is None:
            return [None]
        templar = self.make_templar(context.stack_for(state, task))
        value = templar.render(task.loop)
        items = loop_items(task.loop_kind or "loop", value)
        if items is None:
            raise CorralError(f"loop on {task.module} needs a list; got {type(value).__name__}")
        control = task.loop_control
        out: list[dict[str, Any] | None] = []
        for index, item in enumerate(items):
            values: dict[str, Any] = {control.loop_var: item, "ansible_loop_var": control.loop_var}
            if control.index_var:
                values[control.index_var] = index
            out.append(values)
        return out

    def _one(self, task: Task, templar: Templar, item: dict[str, Any]) -> tuple[str, Inclusion]:
        args = templar.render({k: v for k, v in task.args.items() if k != "apply"})
        params = {**task.include_params, **task.vars, **item}
        if task.module == "include_tasks":
            path = self.loader.find_tasks_file(str(args.get("file") or args.get("_raw_params")), task)
            nodes = self.loader.tasks(path)
            block = self._wrap(task, nodes, params, task.role)
            return str(path), Inclusion(_key(path, params), [block])
        request = role_request(args, task.position, {}, False)
        loaded = self.loader.role(request)
        if loaded.block is None:
            return request.name, Inclusion(_key(request, params), [])
        block = self._wrap(task, [loaded.block], params, None)
        public = loaded.ref if request.public else None
        return request.name, Inclusion(_key(request, params), [block], loaded.handlers, public)

    def _wrap(self, task: Task, nodes: list[TaskNode], params: dict[str, Any],
              role: RoleRef | None) -> Block:
        apply = task.args.get("apply") or {}
        ctx = ParseContext(self.loader.modules)
        common = read_common(ctx, apply if isinstance(apply, PosDict) else PosDict(apply))
        if ctx.problems:
            raise CorralError("; ".join(str(p) for p in ctx.problems))
        return Block(
            position=task.position or Position("<include>"), block=nodes, role=role,
            include_params=params, when=common.when, tags=common.tags, vars=common.vars,
            become=common.become, become_user=common.become_user,
            environment=common.environment, ignore_errors=common.ignore_errors,
            check_mode=common.check_mode, diff=common.diff, no_log=common.no_log,
            any_errors_fatal=common.any_errors_fatal,
            ignore_unreachable=common.ignore_unreachable,
        )


def _key(what: Path | object, params: dict[str, Any]) -> str:
    return f"{what!r}|{sorted(params.items(), key=lambda kv: str(kv[0]))!r}"
