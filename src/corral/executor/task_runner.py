"""Run one task on one host: conditions, loops, retries, the module, the result."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from corral.errors import BecomeError, CorralError, HostUnreachable, InputError
from corral.executor.actions import ACTIONS, ActionContext
from corral.executor.actions.base import validate_action_args
from corral.executor.arg_spec import validate_arguments
from corral.executor.host_state import HostState
from corral.executor.include_vars import include_vars
from corral.executor.inventory_tasks import INVENTORY_MODULES, InventoryEdit, inventory_edit
from corral.executor.play_context import PlayContext
from corral.executor.remote_call import RemoteCaller
from corral.executor.result_conversion import (
    aggregate_loop,
    registered_value,
    result_from_module,
)
from corral.modules._api import ArgumentError
from corral.playbook.model import Task
from corral.report.model import Status, TaskResult
from corral.templating import Templar
from corral.templating.omit import strip_omitted
from corral.templating.unsafe import mark_unsafe

_NO_LOG_MSG = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"


@dataclass
class TaskOutcome:
    """A task's result on one host, plus what the executor must act on."""

    result: TaskResult
    registered: dict[str, Any] | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    meta: str | None = None
    notify: list[str] = field(default_factory=list)
    items: list[TaskResult] = field(default_factory=list)  # per-item results of a loop
    included: dict[str, Any] = field(default_factory=dict)  # include_vars
    edits: list[InventoryEdit] = field(default_factory=list)  # add_host, group_by
    delegated: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # delegate_facts


class TaskRunner:
    """Runs tasks for one play; one instance shared by the play's hosts."""

    def __init__(self, remote: RemoteCaller, make_templar: Any, check: bool, diff: bool,
                 verbosity: int) -> None:
        self.remote = remote
        self.make_templar = make_templar
        self.check = check
        self.diff = diff
        self.verbosity = verbosity

    def task_name(self, task: Task) -> str:
        name = task.name or task.module
        return f"{task.role.name} : {name}" if task.role is not None else name

    async def run(self, state: HostState, task: Task, play: PlayContext) -> TaskOutcome:
        if task.loop is None:
            outcome = await self._run_item(state, task, play, None, None)
            if outcome.result.status is Status.CHANGED:
                outcome.notify = self._notify_names(state, task, play)
            return outcome
        try:
            items = self._loop_items(task, self.make_templar(play.stack_for(state, task)))
        except CorralError as exc:
            return self._failed(state, task, str(exc))
        return await self._run_loop(state, task, play, items)

    def _notify_names(self, state: HostState, task: Task, play: PlayContext) -> list[str]:
        """Handler names to notify; a templated name is rendered for this host."""
        names: list[str] = []
        templar: Templar | None = None
        for name in task.notify:
            if "{{" in name and templar is None:
                templar = self.make_templar(play.stack_for(state, task))
            value = templar.render(name) if templar is not None and "{{" in name else name
            names += [str(v) for v in value] if isinstance(value, list) else [str(value)]
        return names

    # -- loops -------------------------------------------------------------
    def _loop_items(self, task: Task, templar: Templar) -> list[Any]:
        items = templar.render(task.loop)
        kind = task.loop_kind or "loop"
        if kind == "dict" and isinstance(items, Mapping):
            return [{"key": k, "value": v} for k, v in items.items()]
        if isinstance(items, str) or not isinstance(items, list | tuple):
            raise InputError(
                f"loop needs a list, got {type(items).__name__}"
                + ("; to loop over a dict use '{{ d | dict2items }}'" if isinstance(items, Mapping) else "")
            )
        if kind == "items":
            flat: list[Any] = []
            for item in items:
                flat.extend(item if isinstance(item, list) else [item])
            return flat
        return list(items)

    async def _run_loop(self, state: HostState, task: Task, play: PlayContext,
                        items: list[Any]) -> TaskOutcome:
        control = task.loop_control
        outcomes: list[TaskOutcome] = []
        for index, item in enumerate(items):
            item_vars: dict[str, Any] = {control.loop_var: item, "ansible_loop_var": control.loop_var}
            if control.index_var:
                item_vars[control.index_var] = index
            outcome = await self._run_item(state, task, play, item_vars, index)
            registered = dict(outcome.registered or {})
            registered.update({control.loop_var: item, "ansible_loop_var": control.loop_var})
            if control.index_var:
                registered[control.index_var] = index
            outcome.registered = mark_unsafe(registered) if control.loop_var == "item" else registered
            outcomes.append(outcome)
            if control.pause:
                await asyncio.sleep(float(control.pause))
            if outcome.result.status is Status.UNREACHABLE:
                break
        items = [o.result for o in outcomes]
        result, registered = aggregate_loop(state.name, self.task_name(task), task.module, items,
                                            [o.registered or {} for o in outcomes])
        notify = self._notify_names(state, task, play) if result.status is Status.CHANGED else []
        facts: dict[str, Any] = {}
        included: dict[str, Any] = {}
        edits: list[InventoryEdit] = []
        delegated: list[tuple[str, dict[str, Any]]] = []
        for outcome in outcomes:
            facts.update(outcome.facts)
            included.update(outcome.included)
            edits += outcome.edits
            delegated += outcome.delegated
        return TaskOutcome(result, registered, facts, None, notify, items, included, edits,
                           delegated)

    # -- one item ----------------------------------------------------------
    async def _run_item(self, state: HostState, task: Task, play: PlayContext,
                        item_vars: dict[str, Any] | None, index: int | None) -> TaskOutcome:
        stack = play.stack_for(state, task, item_vars)
        templar: Templar = self.make_templar(stack)
        label = self._label(task, templar, item_vars)
        started = time.monotonic()
        try:
            if task.when and not templar.condition(task.when):
                result = TaskResult(state.name, self.task_name(task), task.module, Status.SKIPPED,
                                    msg="Conditional result was False", item_label=label,
                                    no_log=self._no_log(task, templar))
                return TaskOutcome(result, {"changed": False, "skipped": True,
                                            "skip_reason": "Conditional result was False",
                                            "false_condition": str(task.when[-1])})
            if task.invalid:
                raise CorralError(task.invalid)  # validated when reached: fails only here
            outcome = await self._attempts(state, task, play, templar, item_vars, label)
        except (HostUnreachable, BecomeError) as exc:
            status = Status.UNREACHABLE if isinstance(exc, HostUnreachable) else Status.FAILED
            outcome = TaskOutcome(TaskResult(state.name, self.task_name(task), task.module, status,
                                             msg=str(exc), item_label=label),
                                  {"failed": True, "unreachable": status is Status.UNREACHABLE,
                                   "msg": str(exc), "changed": False})
        except (CorralError, ArgumentError) as exc:
            message = exc.msg if isinstance(exc, ArgumentError) else str(exc)
            outcome = TaskOutcome(TaskResult(state.name, self.task_name(task), task.module,
                                             Status.FAILED, msg=message, item_label=label),
                                  {"failed": True, "msg": message, "changed": False})
        return self._finish(outcome, task, templar, time.monotonic() - started)

    def _label(self, task: Task, templar: Templar, item_vars: dict[str, Any] | None) -> str | None:
        if item_vars is None:
            return None
        control = task.loop_control
        if control.label is not None:
            try:
                return str(templar.render(control.label))
            except CorralError:
                return str(control.label)
        return _short(item_vars[control.loop_var])

    def _no_log(self, task: Task, templar: Templar) -> bool:
        value = task.no_log
        if isinstance(value, str):
            try:
                return bool(templar.condition(value))
            except CorralError:
                return True  # when in doubt, hide
        return bool(value)

    def _finish(self, outcome: TaskOutcome, task: Task, templar: Templar, duration: float) -> TaskOutcome:
        no_log = self._no_log(task, templar)
        result = outcome.result
        ignored = result.status is Status.FAILED and self._ignore_errors(task, templar)
        if no_log or ignored or duration:
            result = _replace(result, no_log=no_log, ignored=ignored, duration=duration)
        outcome.result = result
        return outcome

    def _ignore_errors(self, task: Task, templar: Templar) -> bool:
        value = task.ignore_errors
        if isinstance(value, str):
            return bool(templar.condition(value))
        return bool(value)

    # -- retries / until ---------------------------------------------------
    async def _attempts(self, state: HostState, task: Task, play: PlayContext, templar: Templar,
                        item_vars: dict[str, Any] | None, label: str | None) -> TaskOutcome:
        retries = 0
        delay = 5.0
        if task.until:
            retries = int(templar.render(task.retries)) if task.retries is not None else 3
            delay = float(templar.render(task.delay)) if task.delay is not None else 5.0
        attempt = 0
        while True:
            attempt += 1
            outcome = await self._execute(state, task, play, templar, item_vars, label)
            if not task.until or outcome.result.status is Status.UNREACHABLE:
                return outcome
            if self._condition_with_result(task, play, state, item_vars, outcome, task.until):
                return outcome
            if attempt > retries:
                result = _replace(outcome.result, status=Status.FAILED,
                                  msg=f"gave up after {attempt} attempts: until condition never held")
                reg = dict(outcome.registered or {})
                reg.update({"failed": True, "attempts": attempt})
                return TaskOutcome(result, reg, outcome.facts, outcome.meta)
            await asyncio.sleep(delay)

    def _condition_with_result(self, task: Task, play: PlayContext, state: HostState,
                               item_vars: dict[str, Any] | None, outcome: TaskOutcome,
                               conditions: list[Any]) -> bool:
        extra = dict(item_vars or {})
        if task.register and outcome.registered is not None:
            extra[task.register] = mark_unsafe(outcome.registered)
        templar: Templar = self.make_templar(play.stack_for(state, task, extra))
        return bool(templar.condition(conditions))

    # -- the module itself -------------------------------------------------
    async def _execute(self, state: HostState, task: Task, play: PlayContext, templar: Templar,
                       item_vars: dict[str, Any] | None, label: str | None) -> TaskOutcome:
        name = self.task_name(task)
        check = self.check if task.check_mode is None else bool(task.check_mode)
        diff = self.diff if task.diff is None else bool(task.diff)
        action = ACTIONS.get(task.module)
        if task.module == "include_vars":
            outcome = self._include_vars(state, task, play, templar, label)
        elif task.module == "validate_argument_spec":
            outcome = self._validate_arguments(state, task, templar, label)
        elif task.module in INVENTORY_MODULES:
            edit = inventory_edit(task.module, state.name, templar.render(task.args))
            outcome = TaskOutcome(TaskResult(state.name, name, task.module, Status.OK,
                                             msg=f"{edit.kind}: {edit.host} {edit.groups}",
                                             item_label=label),
                                  {"changed": False}, edits=[edit])
        elif action is not None:
            outcome = await self._run_action(state, task, templar, check, label)
        else:
            args = templar.render(task.args)
            raw = await self.remote.call(state.name, task, play, templar, args, check, diff)
            result = result_from_module(state.name, name, task.module, raw, label)
            outcome = TaskOutcome(result, registered_value(raw))
        if task.delegate_facts and task.delegate_to and outcome.facts:
            outcome.delegated = [(str(templar.render(task.delegate_to)), outcome.facts)]
            outcome.facts = {}
        return self._apply_overrides(state, task, play, item_vars, outcome)

    async def _run_action(self, state: HostState, task: Task, templar: Templar, check: bool,
                          label: str | None) -> TaskOutcome:
        action = ACTIONS[task.module]
        raw_args = templar.render(task.args) if action.render_args else dict(task.args)
        args = validate_action_args(action, strip_omitted(raw_args))
        ctx = ActionContext(state.name, templar, check, task.args, self.verbosity)
        out = await action.run(ctx, args)
        result = TaskResult(state.name, self.task_name(task), task.module, out.status, msg=out.msg,
                            data=out.data, item_label=label)
        registered = {"changed": False, "failed": out.status is Status.FAILED, "msg": out.msg,
                      **out.data}
        return TaskOutcome(result, registered, out.facts, out.meta)

    def _validate_arguments(self, state: HostState, task: Task, templar: Templar,
                            label: str | None) -> TaskOutcome:
        spec = task.args.get("argument_spec") or {}
        provided = templar.render(task.args.get("provided_arguments") or {})
        errors, values = validate_arguments(spec, provided, templar.variables)
        msg = ("Validation of arguments failed:\n" + "\n".join(errors) if errors
               else "The arg spec validation passed")
        status = Status.FAILED if errors else Status.OK
        result = TaskResult(state.name, self.task_name(task), task.module, status, msg=msg,
                            item_label=label)
        return TaskOutcome(result, {"changed": False, "failed": bool(errors), "msg": msg,
                                    "argument_errors": errors, "argument_spec_data": spec,
                                    "validate_args_context": {}})

    def _include_vars(self, state: HostState, task: Task, play: PlayContext, templar: Templar,
                      label: str | None) -> TaskOutcome:
        read = include_vars(task, templar.render(task.args), play.playbook_dir)
        files = ", ".join(read.files)
        result = TaskResult(state.name, self.task_name(task), task.module, Status.OK,
                            msg=f"included {files}", item_label=label)
        registered = {"changed": False, "ansible_facts": read.values,
                      "ansible_included_var_files": read.files}
        return TaskOutcome(result, registered, included=read.values)

    def _apply_overrides(self, state: HostState, task: Task, play: PlayContext,
                         item_vars: dict[str, Any] | None, outcome: TaskOutcome) -> TaskOutcome:
        """changed_when and failed_when, evaluated with the registered result in scope."""
        if outcome.result.status in (Status.SKIPPED, Status.UNREACHABLE):
            return outcome
        if task.changed_when is None and task.failed_when is None:
            return outcome
        registered = dict(outcome.registered or {})
        result = outcome.result
        if task.changed_when is not None:
            changed = self._condition_with_result(task, play, state, item_vars, outcome, task.changed_when)
            registered["changed"] = changed
            if result.status in (Status.OK, Status.CHANGED):
                result = _replace(result, status=Status.CHANGED if changed else Status.OK)
        if task.failed_when is not None:
            probe = TaskOutcome(result, registered)
            failed = self._condition_with_result(task, play, state, item_vars, probe, task.failed_when)
            registered["failed"] = failed
            if failed:
                result = _replace(result, status=Status.FAILED,
                                  msg=result.msg or "failed_when condition held")
            elif result.status is Status.FAILED:
                result = _replace(result, status=Status.CHANGED if registered.get("changed") else Status.OK)
        return TaskOutcome(result, registered, outcome.facts, outcome.meta, outcome.notify,
                           included=outcome.included, delegated=outcome.delegated)

    def _failed(self, state: HostState, task: Task, message: str) -> TaskOutcome:
        result = TaskResult(state.name, self.task_name(task), task.module, Status.FAILED, msg=message)
        return TaskOutcome(result, {"failed": True, "msg": message, "changed": False})


def _replace(result: TaskResult, **changes: Any) -> TaskResult:
    return replace(result, **changes)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
