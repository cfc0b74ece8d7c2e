"""Run one task on one host: conditions, loops, retries, the module, the result."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from corral.errors import BecomeError, CorralError, HostUnreachable, InputError, TemplateError
from corral.executor.actions import ACTIONS, ActionContext
from corral.executor.actions.base import ActionOutcome, validate_action_args
from corral.executor.arg_spec import validate_arguments
from corral.executor.attribute_error import name_the_variable
from corral.executor.background import job_plan, run_job, timeout_message
from corral.executor.expression_position import task_error_text
from corral.executor.handler_choice import handler_names
from corral.executor.host_state import HostState
from corral.executor.include_vars import include_vars
from corral.executor.inventory_tasks import INVENTORY_MODULES, InventoryEdit, inventory_edit
from corral.executor.lazy_facts import FactsMissing, facts_missing
from corral.executor.pending import (
    is_simulated,
    pending_dependency,
    template_names_read,
    unknown_reason,
)
from corral.executor.pending_changes import changes_of, explaining
from corral.executor.play_context import PlayContext
from corral.executor.remote_call import RemoteCaller
from corral.executor.result_conversion import (
    aggregate_loop,
    registered_value,
    result_from_module,
)
from corral.lookups.loop_items import lookup_loop_items
from corral.modules._api import ArgumentError
from corral.modules.setup import GROUPS
from corral.playbook.loops import loop_items, loop_type_error
from corral.playbook.model import Task
from corral.playbook.module_defaults import defaults_for
from corral.prepare.context import PrepareContext
from corral.report.model import Status, TaskResult
from corral.templating import Templar
from corral.templating.omit import strip_omitted
from corral.templating.unsafe import mark_unsafe

_NO_LOG_MSG = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"
NO_LOG_ITEM = "(censored due to no_log)"  # a loop item's label under no_log, as ansible-core 2.19 says


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


_T = TypeVar("_T")
GatherMissing = Callable[[FactsMissing, HostState, PlayContext], Awaitable[None]]
_FACT_RETRIES = len(GROUPS) + 1  # each gathering brings one group: bounded by their number

# meta acts on the play, not on values: it is never unknown.
_NEVER_UNKNOWN = frozenset({"meta"})


class TaskRunner:
    """Runs tasks for one play; one instance shared by the play's hosts."""

    def __init__(self, remote: RemoteCaller, make_templar: Any, check: bool, diff: bool,
                 verbosity: int) -> None:
        self.remote = remote
        self.make_templar = make_templar
        self.check = check
        self.diff = diff
        self.verbosity = verbosity
        # gathers the facts a template read before they were gathered (see lazy_facts)
        self.gather_missing: GatherMissing | None = None

    def task_name(self, task: Task) -> str:
        name = task.name or task.module
        return f"{task.role.name} : {name}" if task.role is not None else name

    async def run(self, state: HostState, task: Task, play: PlayContext,
                  handler: bool = False) -> TaskOutcome:
        notified_by = self._notified_by_unknown(state, task) if handler else None
        if notified_by is not None:  # check mode: whether it would run at all is unknown
            outcome = self._unknown_outcome(state, task, None, notified_by)
        else:
            outcome = await self._run_task(state, task, play)
        if self.check:
            self._track_pending(state, task, outcome)
            self._track_notified(state, outcome)
        if task.register:
            skipped = ", which was skipped" if outcome.result.status is Status.SKIPPED else ""
            state.registered_by[task.register] = f"task '{self.task_name(task)}'{skipped}"
        return outcome

    def _track_pending(self, state: HostState, task: Task, outcome: TaskOutcome) -> None:
        """Remember which registered names only hold a check-mode simulation (see pending.py)."""
        result = outcome.result
        names = [task.register] if task.register else []
        if result.status is Status.UNKNOWN and task.module == "set_fact":
            names += [str(name) for name in task.args]
        # a check_mode: false task really ran: only its unknown result is a simulation
        simulated = is_simulated(result) and (task.check_mode is not False
                                              or result.status is Status.UNKNOWN)
        origin = str(result.data.get("depends_on") or self.task_name(task))
        results = [r for r in outcome.items or [result]
                   if task.check_mode is not False or r.status is Status.UNKNOWN]
        state.pending_changes += changes_of(task, results, self.task_name(task))
        for name in names:
            if simulated:
                state.pending[name] = origin
            else:
                state.pending.pop(name, None)

    def _notified_by_unknown(self, state: HostState, task: Task) -> str | None:
        """The unknown task that alone notified this handler (check mode), if one did."""
        names = [*handler_names(task), *task.listen]
        return next((state.unknown_notified[n] for n in names if n in state.unknown_notified),
                    None)

    def _track_notified(self, state: HostState, outcome: TaskOutcome) -> None:
        """An unknown task's notifications are unknown; a change's are certain."""
        for name in outcome.notify:
            if outcome.result.status is Status.UNKNOWN:
                if name in state.notified and name not in state.unknown_notified:
                    continue  # a change already notified it: it runs
                state.unknown_notified.setdefault(
                    name, str(outcome.result.data.get("depends_on") or outcome.result.task))
            else:
                state.unknown_notified.pop(name, None)

    def _unknown_outcome(self, state: HostState, task: Task, label: str | None,
                         origin: str) -> TaskOutcome:
        reason = unknown_reason(origin)
        result = TaskResult(state.name, self.task_name(task), task.module, Status.UNKNOWN,
                            msg=reason, item_label=label, data={"depends_on": origin})
        return TaskOutcome(result, {"changed": False, "unknown": True, "msg": reason})

    def _reads_pending(self, state: HostState, task: Task, label: str | None,
                       templar: Templar, play: PlayContext) -> TaskOutcome | None:
        """Check mode: a task reading a result check mode only simulated is unknown."""
        if not self.check or task.check_mode is False or task.module in _NEVER_UNKNOWN:
            return None
        if not state.pending:
            return None
        origin = pending_dependency(task, state.pending,
                                    self._template_reads(task, templar, play))
        if origin is None:
            return None
        return self._unknown_outcome(state, task, label, origin)

    def _template_reads(self, task: Task, templar: Templar, play: PlayContext) -> frozenset[str]:
        """What a template task's file reads (its rendering may read a pending result)."""
        if task.module != "template" or not isinstance(task.args.get("src"), str):
            return frozenset()
        try:
            src = str(templar.render(task.args["src"]))
        except CorralError:
            return frozenset()  # the task fails (or is unknown) on its own src
        context = PrepareContext(playbook_dir=play.playbook_dir,
                                 role_dir=task.role.path if task.role else None)
        return template_names_read(src, context)

    def _explain_missing(self, state: HostState, task: Task, outcome: TaskOutcome) -> TaskOutcome:
        """Check mode: a precondition the module found missing (a unit, a folder, a command)
        that an earlier pending change would bring makes the task unknown, not failed."""
        result = outcome.result
        missing = result.data.get("missing")
        if (not self.check or not isinstance(missing, Mapping)
                or result.status not in (Status.FAILED, Status.CHANGED)):
            return outcome
        change = explaining(state.pending_changes, missing)
        if change is None:
            return outcome  # nothing pending explains it: the module's result stands
        reason = unknown_reason(change.origin)
        unknown = _replace(result, status=Status.UNKNOWN, msg=reason, diff=None, changes=(),
                           data={**result.data, "depends_on": change.origin})
        registered = {**(outcome.registered or {}), "changed": False, "failed": False,
                      "unknown": True, "msg": reason}
        return TaskOutcome(unknown, registered, outcome.facts, outcome.meta)

    def _unknown(self, state: HostState, task: Task, label: str | None,
                 exc: Exception) -> TaskOutcome | None:
        """Check mode: a task that cannot render because it reads a pending result is unknown."""
        if not self.check or not isinstance(exc, TemplateError):
            return None
        origin = pending_dependency(task, state.pending)
        if origin is None:
            return None
        return self._unknown_outcome(state, task, label, origin)

    async def _run_task(self, state: HostState, task: Task, play: PlayContext) -> TaskOutcome:
        if task.timeout is None and play.play.timeout is not None:
            task = replace(task, timeout=play.play.timeout)
        if task.loop is None:
            outcome = await self._run_item(state, task, play, None, None)
            if outcome.result.status is Status.CHANGED or (
                    self.check and outcome.result.status is Status.UNKNOWN):
                outcome.notify = self._notify_names(state, task, play)
            return outcome
        templar: Templar = self.make_templar(play.stack_for(state, task))
        reads_pending = self._reads_pending(state, task, None, templar, play)
        if reads_pending is not None:  # the loop itself may read the pending result
            return self._finish(reads_pending, task, templar, 0.0)
        try:
            items = await self._gathering(state, play,
                                          functools.partial(self._loop_items, task, templar))
        except CorralError as exc:
            return self._loop_failed(state, task, templar, str(exc))
        return await self._run_loop(state, task, play, items)

    def _loop_failed(self, state: HostState, task: Task, templar: Templar,
                     message: str) -> TaskOutcome:
        """The loop could not be rendered: skipped under a false `when`, else failed."""
        try:
            skip = bool(task.when) and not templar.condition(task.when)
        except CorralError:
            skip = False
        if skip:
            result = TaskResult(state.name, self.task_name(task), task.module, Status.SKIPPED,
                                msg="Conditional result was False")
            return TaskOutcome(result, {"changed": False, "skipped": True,
                                        "skip_reason": "Conditional result was False"})
        return self._finish(self._failed(state, task, message), task, templar, 0.0)

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
        if task.loop_kind == "lookup" and task.loop_lookup:
            return lookup_loop_items(task.loop_lookup, task.loop, templar, module=task.module,
                                     position=task.keyword_positions.get(f"with_{task.loop_lookup}",
                                                                         task.position))
        value = templar.render(task.loop)
        kind = task.loop_kind or "loop"
        items = loop_items(kind, value)
        if items is None:
            raise InputError(loop_type_error(kind, value))
        return items

    async def _run_loop(self, state: HostState, task: Task, play: PlayContext,
                        items: list[Any]) -> TaskOutcome:
        control = task.loop_control
        extended = self._extended(task, play, state)
        outcomes: list[TaskOutcome] = []
        facts: dict[str, Any] = {}
        for index, item in enumerate(items):
            item_vars: dict[str, Any] = {control.loop_var: item, "ansible_loop_var": control.loop_var}
            if control.index_var:
                item_vars[control.index_var] = index
            if extended:
                item_vars["ansible_loop"] = loop_info(items, index, control.extended_allitems)
            outcome = await self._run_item(state, task, play, item_vars, index)
            registered = dict(outcome.registered or {})
            registered.update(item_vars)
            if control.index_var:
                registered["ansible_index_var"] = control.index_var
            outcome.registered = mark_unsafe(registered) if control.loop_var == "item" else registered
            outcomes.append(outcome)
            # Each iteration sees the facts the previous ones set, as in Ansible.
            facts.update(outcome.facts)
            state.registered.update(outcome.facts)
            if outcome.result.status is Status.UNREACHABLE or self._breaks(
                    task, play, state, item_vars, outcome):
                break
            if control.pause and index < len(items) - 1:
                await asyncio.sleep(float(self.make_templar(play.stack_for(state, task)).render(
                    control.pause)))
        results = [o.result for o in outcomes]
        result, registered = aggregate_loop(state.name, self.task_name(task), task.module, results,
                                            [o.registered or {} for o in outcomes])
        notify = self._notify_names(state, task, play) if result.status in (
            Status.CHANGED, Status.UNKNOWN) else []
        included: dict[str, Any] = {}
        edits: list[InventoryEdit] = []
        delegated: list[tuple[str, dict[str, Any]]] = []
        for outcome in outcomes:
            included.update(outcome.included)
            edits += outcome.edits
            delegated += outcome.delegated
        return TaskOutcome(result, registered, facts, None, notify, results, included, edits,
                           delegated)

    def _extended(self, task: Task, play: PlayContext, state: HostState) -> bool:
        value = task.loop_control.extended
        if isinstance(value, str):
            return bool(self.make_templar(play.stack_for(state, task)).condition(value))
        return value

    def _breaks(self, task: Task, play: PlayContext, state: HostState,
                item_vars: dict[str, Any], outcome: TaskOutcome) -> bool:
        """``loop_control.break_when``, with this item's result registered."""
        conditions = task.loop_control.break_when
        if not conditions or outcome.result.status is Status.SKIPPED:
            return False
        return self._condition_with_result(task, play, state, item_vars, outcome, conditions)

    # -- facts read before they were gathered ------------------------------
    async def _gathering(self, state: HostState, play: PlayContext,
                         compute: Callable[[], _T]) -> _T:
        """``compute()``; when it reads a fact not gathered yet, gather it and compute again."""
        for _ in range(_FACT_RETRIES):
            try:
                return compute()
            except Exception as exc:
                missing = facts_missing(exc)
                if missing is None or self.gather_missing is None:
                    raise
                await self.gather_missing(missing, state, play)
        return compute()

    # -- one item ----------------------------------------------------------
    async def _run_item(self, state: HostState, task: Task, play: PlayContext,
                        item_vars: dict[str, Any] | None, index: int | None) -> TaskOutcome:
        """One item; rendered again after gathering the facts it read that were not yet."""
        for _ in range(_FACT_RETRIES):
            try:
                return await self._run_item_once(state, task, play, item_vars, index)
            except FactsMissing as missing:
                if self.gather_missing is None:
                    raise
                try:
                    await self.gather_missing(missing, state, play)
                except CorralError as exc:  # the host of the facts did not answer
                    return self._failed(state, task, str(exc))
        return await self._run_item_once(state, task, play, item_vars, index)

    async def _run_item_once(self, state: HostState, task: Task, play: PlayContext,
                             item_vars: dict[str, Any] | None, index: int | None) -> TaskOutcome:
        stack = play.stack_for(state, task, item_vars)
        templar: Templar = self.make_templar(stack)
        label = self._label(task, templar, item_vars)
        started = time.monotonic()
        reads_pending = self._reads_pending(state, task, label, templar, play)
        if reads_pending is not None:  # check mode cannot predict it: unknown, not run
            return self._finish(reads_pending, task, templar, time.monotonic() - started)
        try:
            if task.when and not templar.condition(task.when):
                result = TaskResult(state.name, self.task_name(task), task.module, Status.SKIPPED,
                                    msg="Conditional result was False", item_label=label)
                outcome = TaskOutcome(result, {"changed": False, "skipped": True,
                                               "skip_reason": "Conditional result was False",
                                               "false_condition": task.when[-1]})
            else:
                if task.invalid:
                    raise CorralError(task.invalid)  # validated when reached: fails only here
                outcome = await self._attempts(state, task, play, templar, item_vars, label)
                outcome = self._explain_missing(state, task, outcome)
        except (HostUnreachable, BecomeError) as exc:
            status = Status.UNREACHABLE if isinstance(exc, HostUnreachable) else Status.FAILED
            outcome = TaskOutcome(TaskResult(state.name, self.task_name(task), task.module, status,
                                             msg=str(exc), item_label=label),
                                  mark_unsafe({"failed": True, "msg": str(exc), "changed": False,
                                               "unreachable": status is Status.UNREACHABLE}))
        except (CorralError, ArgumentError) as exc:
            missing = facts_missing(exc)
            if missing is not None and self.gather_missing is not None:
                raise missing from None  # gathered, then the item runs again (_run_item)
            message = exc.msg if isinstance(exc, ArgumentError) else task_error_text(exc, task)
            message = name_the_variable(message, task, state.registered_by)
            outcome = self._unknown(state, task, label, exc) or TaskOutcome(
                TaskResult(state.name, self.task_name(task), task.module, Status.FAILED,
                           msg=message, item_label=label),
                mark_unsafe({"failed": True, "msg": message, "changed": False}))
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
        if no_log and result.item_label is not None:  # the item may be the secret itself
            result = _replace(result, item_label=NO_LOG_ITEM)
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
            if not task.until or outcome.result.status in (Status.UNREACHABLE, Status.SKIPPED):
                return outcome  # a skipped attempt (check mode) is not retried, as in Ansible
            if await self._gathering(state, play, functools.partial(
                    self._condition_with_result, task, play, state, item_vars, outcome,
                    task.until)):
                outcome.registered = {**(outcome.registered or {}), "attempts": attempt}
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
        given = self._with_defaults(task, play, templar)
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
            outcome = await self._run_action(state, task, templar, check, label, given)
        else:
            args = templar.render(given)
            job = job_plan(task, templar)
            if job is None:
                raw = await self.remote.call(state.name, task, play, templar, args, check, diff)
            else:
                raw = await run_job(self.remote, state.name, task, play, templar, args, check,
                                    diff, job)
            result = result_from_module(state.name, name, task.module, raw, label)
            outcome = TaskOutcome(result, registered_value(raw))
        if task.delegate_facts and task.delegate_to and outcome.facts:
            outcome.delegated = [(str(templar.render(task.delegate_to)), outcome.facts)]
            outcome.facts = {}
        return await self._gathering(state, play, functools.partial(
            self._apply_overrides, state, task, play, item_vars, outcome))

    def _with_defaults(self, task: Task, play: PlayContext, templar: Templar) -> dict[str, Any]:
        """The task's arguments over its ``module_defaults`` (play's, blocks', task's)."""
        entries = list(play.play.module_defaults) + list(task.module_defaults)
        if not entries:
            return task.args
        rendered = [templar.render(entry) for entry in entries]
        if not all(isinstance(entry, Mapping) for entry in rendered):
            raise InputError("module_defaults must render to mappings of module names to arguments")
        return {**defaults_for(task.module, rendered), **task.args}

    async def _run_action(self, state: HostState, task: Task, templar: Templar, check: bool,
                          label: str | None, given: dict[str, Any]) -> TaskOutcome:
        action = ACTIONS[task.module]
        raw_args = templar.render(given) if action.render_args else dict(given)
        args = validate_action_args(action, strip_omitted(raw_args))
        ctx = ActionContext(state.name, templar, check, given, self.verbosity)
        limit = int(templar.render(task.timeout)) if task.timeout is not None else 0
        try:
            out = await (asyncio.wait_for(action.run(ctx, args), limit) if limit > 0
                         else action.run(ctx, args))
        except asyncio.TimeoutError:
            out = ActionOutcome(Status.FAILED, timeout_message(limit),
                                data={"timedout": {"period": limit}})
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
            registered["failed_when_result"] = failed
            if failed:  # a change made before failed_when held still counts (as in Ansible)
                result = _replace(result, status=Status.FAILED,
                                  msg=result.msg or "failed_when condition held",
                                  data={**result.data, "changed": bool(registered.get("changed"))})
            elif result.status is Status.FAILED:
                result = _replace(result, status=Status.CHANGED if registered.get("changed") else Status.OK)
        return TaskOutcome(result, registered, outcome.facts, outcome.meta, outcome.notify,
                           included=outcome.included, delegated=outcome.delegated)

    def _failed(self, state: HostState, task: Task, message: str) -> TaskOutcome:
        result = TaskResult(state.name, self.task_name(task), task.module, Status.FAILED, msg=message)
        # An error message may quote a template: registered, it is data, never rendered.
        return TaskOutcome(result, mark_unsafe({"failed": True, "msg": message, "changed": False}))


def loop_info(items: list[Any], index: int, allitems: bool) -> dict[str, Any]:
    """``ansible_loop`` for item ``index`` (``loop_control: extended``)."""
    length = len(items)
    info: dict[str, Any] = {
        "index": index + 1, "index0": index, "first": index == 0, "last": index == length - 1,
        "length": length, "revindex": length - index, "revindex0": length - index - 1,
    }
    if allitems:
        info["allitems"] = items
    if index > 0:
        info["previtem"] = items[index - 1]
    if index < length - 1:
        info["nextitem"] = items[index + 1]
    return info


def _replace(result: TaskResult, **changes: Any) -> TaskResult:
    return replace(result, **changes)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
