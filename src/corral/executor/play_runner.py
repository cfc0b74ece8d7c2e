"""Run one play: batches (serial), strategies (linear, free), handlers, failure limits."""

from __future__ import annotations

import asyncio
import functools
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from corral.errors import CorralError, PlaybookError
from corral.executor.blocks import prepared_block
from corral.executor.fact_needs import play_gathers
from corral.executor.handler_choice import handlers_by_name
from corral.executor.host_state import HostState
from corral.executor.host_vars import with_module_facts
from corral.executor.includes import Expansion, IncludeExpander, Inclusion
from corral.executor.inventory_tasks import InventoryEdit
from corral.executor.lazy_facts import FactsMissing
from corral.executor.options import RunOptions
from corral.executor.play_context import PlayContext
from corral.executor.tags import task_selected
from corral.executor.task_runner import TaskOutcome, TaskRunner
from corral.modules.setup import GROUPS
from corral.playbook.model import Block, Play, Task, TaskNode
from corral.report.events import RunEvents
from corral.report.model import RunReport, Status, TaskResult
from corral.templating.unsafe import mark_unsafe

_DYNAMIC = ("include_tasks", "include_role")
MAX_INCLUDE_DEPTH = 64  # bounds a file that includes itself
MAX_FACT_GATHERINGS = len(GROUPS) + 1  # each gathering brings one group of facts


@dataclass
class StartAt:
    """`--start-at-task`: skip every task, across plays, until one with this name."""

    name: str | None = None

    def reached(self, task: Task) -> bool:
        if self.name is None:
            return True
        if task.name == self.name:
            self.name = None
            return True
        return False


def batches(hosts: Sequence[str], serial: Sequence[int | str]) -> list[list[str]]:
    """Split hosts into rolling batches as Ansible's `serial` does.

    Each entry is a count or a percentage of all hosts; the last entry repeats.
    """
    if not serial:
        return [list(hosts)] if hosts else []
    sizes: list[int] = []
    for value in serial:
        if isinstance(value, str) and value.strip().endswith("%"):
            size = int(math.floor(len(hosts) * float(value.strip()[:-1]) / 100.0))
        else:
            size = int(value)
        sizes.append(max(1, size) if size > 0 or len(hosts) else 0)
    out: list[list[str]] = []
    index = 0
    position = 0
    while position < len(hosts):
        size = sizes[min(index, len(sizes) - 1)] or len(hosts)
        out.append(list(hosts[position:position + size]))
        position += size
        index += 1
    return out


async def _stop_all(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel until every task has ended.

    gather() gives up at the first cancelled task, and a task may swallow a cancel
    (asyncio.wait_for does when what it waits for ends at that moment): no host may
    run on, or report, after the run has said it stopped.
    """
    pending = {task for task in tasks if not task.done()}
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=0.1)


@dataclass
class PlayRunner:
    """Runs one play on its hosts; records everything into the run report."""

    play: Play
    options: RunOptions
    runner: TaskRunner
    events: RunEvents
    report: RunReport
    states: dict[str, HostState]
    make_context: Callable[[list[str]], Awaitable[PlayContext]]
    semaphore: asyncio.Semaphore
    gather_facts: Callable[[HostState, PlayContext], Awaitable[TaskResult | None]]
    start_at: StartAt
    includes: IncludeExpander | None = None
    # Applies add_host/group_by edits; one "changed" per edit.
    edit_inventory: Callable[[list[InventoryEdit], PlayContext], list[bool]] | None = None
    _fatal: bool = False  # a task with any_errors_fatal failed on some host
    _included_handlers: list[Task] = field(default_factory=list)  # from include_role
    _depth: dict[str, int] = field(default_factory=dict)  # host -> includes being run
    # (task position, name) -> the semaphore of its `throttle`
    _throttles: dict[tuple[Any, str | None], asyncio.Semaphore | None] = field(default_factory=dict)
    _batch: list[str] = field(default_factory=list)  # the batch running now
    _waiting: list[str] = field(default_factory=list)  # hosts of the batches after it
    _running: dict[str, str] = field(default_factory=dict)  # host -> the task it runs now
    _batch_number: int = 0
    _cut_short: list[str] = field(default_factory=list)  # hosts a stopped rollout cut short
    _rest_after_stop: bool = False  # the stop left tasks of the section unrun

    def unfinished(self) -> tuple[dict[str, str | None], list[str]]:
        """For a Ctrl-C: the hosts still in their play (with the task each runs, if
        any), and the hosts whose batch has not started yet."""
        cut = {h: self._running.get(h) for h in self._batch if self.states[h].active}
        return cut, list(self._waiting)

    async def run(self, hosts: list[str]) -> None:
        groups = batches(hosts, self.play.serial)
        self._waiting = list(hosts)
        for number, batch in enumerate(groups, start=1):
            self._batch = batch
            self._batch_number = number
            self._waiting = [h for later in groups[number:] for h in later]
            self.events.batch_start(batch, number, len(groups))
            context = await self.make_context(batch)
            aborted = await self._run_batch(batch, context)
            if aborted:
                for name in self._cut_short:
                    self.report.host(name).aborted = True
                for later in groups[number:]:
                    for name in later:
                        self.report.host(name).never_touched = True
                return

    def _gathers(self) -> bool:
        return play_gathers(self.play, self.options.gather_implicit)

    # -- one batch -------------------------------------------------------------
    async def _run_batch(self, batch: list[str], context: PlayContext) -> bool:
        """Run every task on the batch; True when the rollout must stop."""
        if self._gathers():
            self.events.task_start("Gathering Facts", False)
            await self._on_hosts(batch, functools.partial(self._facts, context=context))
            if self._should_abort(batch):
                return True
        sections = (self.play.pre_tasks, self.play.tasks, self.play.post_tasks)
        strategy = self._strategy(batch, context)
        for number, section in enumerate(sections, start=1):
            if strategy == "free":
                await self._on_hosts(batch, functools.partial(self._free_host, nodes=section, context=context))
            else:
                self._rest_after_stop = False
                if await self._linear(batch, section, context):
                    if not self._rest_after_stop and not any(sections[number:]):
                        # stopped after the last task: only pending handlers were cut short
                        self._cut_short = [h for h in self._cut_short if self.states[h].notified]
                    return True
            await self._flush_handlers(batch, context)
            if self._should_abort(batch):
                if number == len(sections):
                    self._cut_short = []  # every host of the batch ran the whole play
                return True
        return self._should_abort(batch)

    def _strategy(self, batch: list[str], context: PlayContext) -> str:
        """The play's strategy; a template is rendered with the first host's variables."""
        value = self.play.strategy
        if value in ("linear", "free"):
            return value
        templar = self.runner.make_templar(context.stack_for(self.states[batch[0]]))
        rendered = str(templar.render(value)).strip()
        if rendered not in ("linear", "free"):
            raise PlaybookError(f"{self.play.keyword_positions.get('strategy', self.play.position)}: "
                                f"strategy {value!r} rendered to {rendered!r}; corral runs linear "
                                "or free")
        return rendered

    async def _facts(self, state: HostState, context: PlayContext) -> None:
        self._running[state.name] = "Gathering Facts"
        result = await self.gather_facts(state, context)
        del self._running[state.name]
        if result is not None:
            self._record(state, result)

    async def _linear(self, batch: list[str], nodes: Sequence[TaskNode], context: PlayContext,
                      guarded: bool = False) -> bool:
        """Run nodes task by task across hosts; True when the play must stop.

        ``guarded``: inside a block with a rescue, failures do not stop the play yet.
        """
        for index, node in enumerate(nodes):
            if isinstance(node, Block):
                if await self._linear_block(batch, prepared_block(node), context, guarded):
                    return self._stopped_before(nodes, index)
                continue
            task = node
            if not self._selected(task):
                continue
            if task.module == "meta" and task.args.get("_raw_params") == "flush_handlers":
                await self._flush_handlers(batch, context)
                continue
            active = [h for h in batch if self.states[h].active]
            if not active:
                return not guarded
            if task.module in _DYNAMIC:
                if await self._linear_include(batch, active, task, context, guarded):
                    return self._stopped_before(nodes, index)
                continue
            self.events.task_start(self.runner.task_name(task), False)
            if task.run_once or task.module == "add_host":  # add_host bypasses the host loop
                await self._run_once(task, active, context)
            else:
                await self._on_hosts(active, functools.partial(self._run_task, task=task, context=context))
            if not guarded and self._should_abort(batch):
                return self._stopped_before(nodes, index)
        return False

    def _stopped_before(self, nodes: Sequence[TaskNode], index: int) -> bool:
        """The play stops after ``nodes[index]``: note whether tasks were left to run."""
        self._rest_after_stop = self._rest_after_stop or index + 1 < len(nodes)
        return True

    async def _linear_include(self, batch: list[str], active: list[str], task: Task,
                              context: PlayContext, guarded: bool) -> bool:
        """Expand the include on each host, then run each inclusion on the hosts that have it."""
        self.events.task_start(self.runner.task_name(task), False)
        found: dict[str, list[Inclusion]] = {}

        async def expand(state: HostState) -> None:
            found[state.name] = await self._expanded(state, task, context)

        await self._on_hosts(active, expand)
        groups: dict[str, tuple[Inclusion, list[str]]] = {}
        for name in active:
            for inclusion in found.get(name, []):
                groups.setdefault(inclusion.key, (inclusion, []))[1].append(name)
        for inclusion, hosts in groups.values():
            self._nest(hosts, 1)
            try:
                await self._linear(hosts, inclusion.nodes, context, True)
            finally:
                self._nest(hosts, -1)
        return not guarded and self._should_abort(batch)

    def _nest(self, hosts: list[str], step: int) -> None:
        for name in hosts:
            self._depth[name] = self._depth.get(name, 0) + step

    async def _expanded(self, state: HostState, task: Task, context: PlayContext
                        ) -> list[Inclusion]:
        """``_expand``, after gathering the facts its names read that were not gathered yet."""
        gather = self.runner.gather_missing
        for _ in range(MAX_FACT_GATHERINGS):
            try:
                return self._expand(state, task, context)
            except FactsMissing as missing:
                if gather is None:
                    raise
                try:
                    await gather(missing, state, context)
                except CorralError as exc:  # the host of the facts did not answer
                    self._record(state, TaskResult(state.name, self.runner.task_name(task),
                                                   task.module, Status.FAILED, msg=str(exc)),
                                 task=task)
                    return []
        return self._expand(state, task, context)

    def _expand(self, state: HostState, task: Task, context: PlayContext) -> list[Inclusion]:
        """One host's inclusions (its result recorded; handlers and public roles kept)."""
        assert self.includes is not None
        if self._depth.get(state.name, 0) >= MAX_INCLUDE_DEPTH:
            self._record(state, TaskResult(
                state.name, self.runner.task_name(task), task.module, Status.FAILED,
                msg=f"{task.position}: includes nested {MAX_INCLUDE_DEPTH} deep "
                    "(does a file include itself?)"), task=task)
            return []
        expansion: Expansion = self.includes.expand(state, task, context)
        for warning in self.includes.loader.take_warnings():
            self.events.warning(str(warning))
        for result in expansion.results:
            self._record(state, result, task=task)
        for inclusion in expansion.inclusions:
            for handler in inclusion.handlers:
                if not any(handler is known for known in self._included_handlers):
                    self._included_handlers.append(handler)
            if inclusion.public is not None and inclusion.public not in state.public_roles:
                state.public_roles.append(inclusion.public)
        return expansion.inclusions

    async def _linear_block(self, batch: list[str], block: Block, context: PlayContext,
                            guarded: bool) -> bool:
        entered = [h for h in batch if self.states[h].active and self._not_done(h, block)]
        marks = {h: len(self.report.host(h).results) for h in entered}
        try:
            return await self._linear_block_sections(batch, entered, block, context, guarded)
        finally:
            self._mark_done(block, marks)

    def _not_done(self, host: str, block: Block) -> bool:
        """False when ``block`` is a once-per-play role that already ran a task on ``host``."""
        return block.once_key is None or block.once_key not in self.states[host].roles_done

    def _mark_done(self, block: Block, marks: dict[str, int]) -> None:
        """A role counts as run on a host once one of its tasks ran there (not skipped)."""
        if block.once_key is None:
            return
        for host, mark in marks.items():
            if any(r.status is not Status.SKIPPED for r in self.report.host(host).results[mark:]):
                self.states[host].roles_done.add(block.once_key)

    async def _linear_block_sections(self, batch: list[str], entered: list[str], block: Block,
                                     context: PlayContext, guarded: bool) -> bool:
        if not entered:  # every host failed before, or ran this role already
            return not guarded and self._should_abort(batch)
        await self._linear(entered, block.block, context, guarded or bool(block.rescue))
        failed = [h for h in entered if self.states[h].failed]
        if block.rescue and failed:
            for name in failed:
                self.states[name].failed = False
                self.report.host(name).rescued += 1
                _expose_failure(self.states[name])
            await self._linear(failed, block.rescue, context, guarded)
        if block.always:
            still_failed = [h for h in entered if self.states[h].failed]
            for name in still_failed:
                self.states[name].failed = False
            await self._linear(entered, block.always, context, True)
            for name in still_failed:
                self.states[name].failed = True
        return not guarded and self._should_abort(batch)

    async def _free_host(self, state: HostState, nodes: Sequence[TaskNode],
                         context: PlayContext) -> None:
        for node in nodes:
            if isinstance(node, Block):
                await self._free_block(state, prepared_block(node), context)
                continue
            if not state.active:
                return
            if not self._selected(node):
                continue
            if node.module in _DYNAMIC:
                for inclusion in await self._expanded(state, node, context):
                    self._nest([state.name], 1)
                    try:
                        await self._free_host(state, inclusion.nodes, context)
                    finally:
                        self._nest([state.name], -1)
                continue
            await self._run_task(state, node, context)

    async def _free_block(self, state: HostState, block: Block, context: PlayContext) -> None:
        if not state.active or not self._not_done(state.name, block):
            return
        marks = {state.name: len(self.report.host(state.name).results)}
        try:
            await self._free_block_sections(state, block, context)
        finally:
            self._mark_done(block, marks)

    async def _free_block_sections(self, state: HostState, block: Block,
                                   context: PlayContext) -> None:
        await self._free_host(state, block.block, context)
        if block.rescue and state.failed:
            state.failed = False
            self.report.host(state.name).rescued += 1
            _expose_failure(state)
            await self._free_host(state, block.rescue, context)
        if block.always and not state.unreachable:
            was_failed = state.failed
            state.failed = False
            await self._free_host(state, block.always, context)
            state.failed = state.failed or was_failed

    async def _run_once(self, task: Task, active: list[str], context: PlayContext) -> None:
        first = self.states[active[0]]
        outcome = await self._run_task(first, task, context)
        for name in active[1:]:
            state = self.states[name]
            if outcome is not None:
                self._absorb(state, task, outcome, record=False)

    # -- running and recording -------------------------------------------------
    async def _on_hosts(self, hosts: list[str], work: Callable[[HostState], Awaitable[Any]]) -> None:
        async def guarded(name: str) -> None:
            async with self.semaphore:
                await work(self.states[name])

        tasks = [asyncio.ensure_future(guarded(h)) for h in hosts]
        try:
            await asyncio.gather(*tasks)
        except asyncio.CancelledError:  # Ctrl-C: the play ends when every host has stopped
            await _stop_all(tasks)
            raise

    async def _run_task(self, state: HostState, task: Task, context: PlayContext,
                        handler: bool = False) -> TaskOutcome | None:
        throttle = self._throttle(state, task, context)
        self._running[state.name] = self.runner.task_name(task)
        if throttle is None:
            outcome = await self.runner.run(state, task, context, handler)
        else:
            async with throttle:
                outcome = await self.runner.run(state, task, context, handler)
        del self._running[state.name]
        if outcome.edits and self.edit_inventory is not None:
            _mark_changed(outcome, self.edit_inventory(outcome.edits, context))
        self._absorb(state, task, outcome, record=True)
        return outcome

    def _throttle(self, state: HostState, task: Task,
                  context: PlayContext) -> asyncio.Semaphore | None:
        """The semaphore shared by the hosts running ``task`` under ``throttle: N``."""
        value = task.throttle if task.throttle is not None else self.play.throttle
        if value is None:
            return None
        key = (task.position, task.name)
        if key not in self._throttles:
            if isinstance(value, str):
                value = self.runner.make_templar(context.stack_for(state, task)).render(value)
            limit = int(value or 0)
            self._throttles[key] = asyncio.Semaphore(limit) if limit > 0 else None
        return self._throttles[key]

    def _absorb(self, state: HostState, task: Task, outcome: TaskOutcome, record: bool) -> None:
        result = outcome.result
        if record:
            for item in outcome.items:
                self.events.task_result(item)
            self._record(state, result, show=not outcome.items, task=task)
        if result.status is Status.FAILED and not result.ignored:
            state.failure = ({"name": self.runner.task_name(task), "action": task.module,
                              "args": dict(task.args)}, outcome.registered or {})
        if task.register and outcome.registered is not None:
            state.registered[task.register] = mark_unsafe(outcome.registered)  # never rendered again
        if outcome.facts:
            state.registered.update(outcome.facts)
        elif isinstance(outcome.registered, Mapping) and outcome.registered.get("ansible_facts"):
            state.facts = with_module_facts(state.facts, outcome.registered["ansible_facts"])
        if outcome.included:
            state.included.update(outcome.included)
        for target, facts in outcome.delegated:  # delegate_facts: the delegated host's
            self.states.setdefault(target, HostState(target)).registered.update(facts)
        if outcome.notify:
            state.notify(outcome.notify)
        if outcome.meta in ("end_host",):
            state.ended = True
        if outcome.meta == "end_play":
            for other in self.states.values():
                other.ended = True

    def _record(self, state: HostState, result: TaskResult, show: bool = True,
                task: Task | None = None) -> None:
        if task is not None and not result.where:
            result = replace(result, where=str(task.position))
        self.report.host(state.name).add(result)
        if show:
            self.events.task_result(result)
        ignore_unreachable = self.play.ignore_unreachable
        if task is not None and task.ignore_unreachable is not None:
            ignore_unreachable = task.ignore_unreachable
        if result.status is Status.UNREACHABLE and not ignore_unreachable:
            state.unreachable = True
        elif result.status is Status.FAILED and not result.ignored:
            state.failed = True
            if task is not None and task.any_errors_fatal:
                self._fatal = True

    def _selected(self, task: Task) -> bool:
        if not self.start_at.reached(task):
            return False
        tags = list(task.tags) + list(self.play.tags)
        return task_selected(tags, self.options.tags, self.options.skip_tags)

    # -- failure limits --------------------------------------------------------
    def _should_abort(self, batch: list[str]) -> bool:
        failed = [h for h in batch if self.states[h].failed or self.states[h].unreachable]
        if not failed:
            return False
        counted = f"in batch {self._batch_number} ({len(failed)} of {len(batch)} failed)"
        if self.play.any_errors_fatal or self._fatal:
            self._stop(batch, f"any_errors_fatal {counted}")
            for name in batch:
                self.states[name].ended = True
            return True
        if self.play.max_fail_percentage is not None:
            if 100.0 * len(failed) / len(batch) > float(self.play.max_fail_percentage):
                self._stop(batch, f"max_fail_percentage {float(self.play.max_fail_percentage):g} "
                                  f"exceeded {counted}")
                return True
        # Ansible stops the play when every host of a batch has failed.
        if len(failed) == len(batch):
            if self._waiting:  # only a stop when later batches will not run
                self._stop(batch, f"every host failed {counted}")
            return True
        return False

    def _stop(self, batch: list[str], reason: str) -> None:
        """Say why the rollout stops; the hosts still running it are cut short (aborted)."""
        self._cut_short = [h for h in batch if self.states[h].active]
        if self.report.stop_reason is None:
            self.report.stop_reason = reason

    # -- handlers --------------------------------------------------------------
    async def _flush_handlers(self, batch: list[str], context: PlayContext) -> None:
        handlers = [*self.play.handlers, *self._included_handlers]
        by_name = handlers_by_name(self.play.handlers, self._included_handlers)
        for handler in handlers:
            names = {n for n, chosen in by_name.items() if chosen is handler} | set(handler.listen)
            hosts = [
                h for h in batch
                if names & set(self.states[h].notified)
                and (self.states[h].active or (self.options.force_handlers and not self.states[h].unreachable))
            ]
            if not hosts:
                continue
            if handler.module in _DYNAMIC:  # a handler that includes tasks or a role
                await self._linear_include(hosts, hosts, handler, context, True)
                continue
            self.events.task_start(self.runner.task_name(handler), True)
            await self._on_hosts(hosts, functools.partial(self._run_task, task=handler, context=context, handler=True))
        known = {*by_name, *(n for h in handlers for n in h.listen)}
        for name in batch:
            unknown = [n for n in self.states[name].notified if n not in known]
            if unknown:
                self.events.warning(f"{name}: no handler answers to {', '.join(map(repr, unknown))}"
                                    " (a templated notify rendered to an unknown name)")
            self.states[name].notified.clear()


def _mark_changed(outcome: TaskOutcome, changed: list[bool]) -> None:
    """add_host/group_by report changed when the inventory changed (per loop item)."""
    if outcome.items and len(outcome.items) == len(changed):
        outcome.items = [replace(r, status=Status.CHANGED) if c and r.status is Status.OK else r
                         for r, c in zip(outcome.items, changed, strict=True)]
    if any(changed) and outcome.result.status is Status.OK:
        outcome.result = replace(outcome.result, status=Status.CHANGED)
        if outcome.registered is not None:
            outcome.registered["changed"] = True


def _expose_failure(state: HostState) -> None:
    """In a rescue, ``ansible_failed_task`` and ``ansible_failed_result`` name what failed."""
    if state.failure is not None:
        task, result = state.failure
        state.registered["ansible_failed_task"] = task
        state.registered["ansible_failed_result"] = result
