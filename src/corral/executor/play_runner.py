"""Run one play: batches (serial), strategies (linear, free), handlers, failure limits."""

from __future__ import annotations

import asyncio
import functools
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from corral.executor.blocks import prepared_block
from corral.executor.host_state import HostState
from corral.executor.options import RunOptions
from corral.executor.play_context import PlayContext
from corral.executor.tags import task_selected
from corral.executor.task_runner import TaskOutcome, TaskRunner
from corral.playbook.model import Block, Play, Task, TaskNode
from corral.report.events import RunEvents
from corral.report.model import RunReport, Status, TaskResult
from corral.templating.unsafe import mark_unsafe


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
    _fatal: bool = False  # a task with any_errors_fatal failed on some host

    async def run(self, hosts: list[str]) -> None:
        groups = batches(hosts, self.play.serial)
        for number, batch in enumerate(groups, start=1):
            self.events.batch_start(batch, number, len(groups))
            context = await self.make_context(batch)
            aborted = await self._run_batch(batch, context)
            if aborted:
                for later in groups[number:]:
                    for name in later:
                        self.report.host(name).never_touched = True
                return

    # -- one batch -------------------------------------------------------------
    async def _run_batch(self, batch: list[str], context: PlayContext) -> bool:
        """Run every task on the batch; True when the rollout must stop."""
        if self.play.gather_facts:
            self.events.task_start("Gathering Facts", False)
            await self._on_hosts(batch, functools.partial(self._facts, context=context))
            if self._should_abort(batch):
                return True
        sections = (self.play.pre_tasks, self.play.tasks, self.play.post_tasks)
        for section in sections:
            if self.play.strategy == "free":
                await self._on_hosts(batch, functools.partial(self._free_host, nodes=section, context=context))
            else:
                if await self._linear(batch, section, context):
                    return True
            await self._flush_handlers(batch, context)
            if self._should_abort(batch):
                return True
        return self._should_abort(batch)

    async def _facts(self, state: HostState, context: PlayContext) -> None:
        result = await self.gather_facts(state, context)
        if result is not None:
            self._record(state, result)

    async def _linear(self, batch: list[str], nodes: Sequence[TaskNode], context: PlayContext,
                      guarded: bool = False) -> bool:
        """Run nodes task by task across hosts; True when the play must stop.

        ``guarded``: inside a block with a rescue, failures do not stop the play yet.
        """
        for node in nodes:
            if isinstance(node, Block):
                if await self._linear_block(batch, prepared_block(node), context, guarded):
                    return True
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
            self.events.task_start(self.runner.task_name(task), False)
            if task.run_once:
                await self._run_once(task, active, context)
            else:
                await self._on_hosts(active, functools.partial(self._run_task, task=task, context=context))
            if not guarded and self._should_abort(batch):
                return True
        return False

    async def _linear_block(self, batch: list[str], block: Block, context: PlayContext,
                            guarded: bool) -> bool:
        entered = [h for h in batch if self.states[h].active]
        await self._linear(entered, block.block, context, guarded or bool(block.rescue))
        failed = [h for h in entered if self.states[h].failed]
        if block.rescue and failed:
            for name in failed:
                self.states[name].failed = False
                self.report.host(name).rescued += 1
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
            await self._run_task(state, node, context)

    async def _free_block(self, state: HostState, block: Block, context: PlayContext) -> None:
        if not state.active:
            return
        await self._free_host(state, block.block, context)
        if block.rescue and state.failed:
            state.failed = False
            self.report.host(state.name).rescued += 1
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

        await asyncio.gather(*(guarded(h) for h in hosts))

    async def _run_task(self, state: HostState, task: Task, context: PlayContext,
                        handler: bool = False) -> TaskOutcome | None:
        outcome = await self.runner.run(state, task, context)
        self._absorb(state, task, outcome, record=True)
        return outcome

    def _absorb(self, state: HostState, task: Task, outcome: TaskOutcome, record: bool) -> None:
        result = outcome.result
        if record:
            for item in outcome.items:
                self.events.task_result(item)
            self._record(state, result, show=not outcome.items, task=task)
        if task.register and outcome.registered is not None:
            state.registered[task.register] = mark_unsafe(outcome.registered)  # never rendered again
        if outcome.facts:
            state.registered.update(outcome.facts)
        if outcome.notify:
            state.notify(outcome.notify)
        if outcome.meta in ("end_host",):
            state.ended = True
        if outcome.meta == "end_play":
            for other in self.states.values():
                other.ended = True

    def _record(self, state: HostState, result: TaskResult, show: bool = True,
                task: Task | None = None) -> None:
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
        if self.play.any_errors_fatal or self._fatal:
            for name in batch:
                self.states[name].ended = True
            return True
        if self.play.max_fail_percentage is not None:
            if 100.0 * len(failed) / len(batch) > float(self.play.max_fail_percentage):
                return True
        # Ansible stops the play when every host of a batch has failed.
        return len(failed) == len(batch)

    # -- handlers --------------------------------------------------------------
    async def _flush_handlers(self, batch: list[str], context: PlayContext) -> None:
        for handler in self.play.handlers:
            names = {handler.name or "", *handler.listen}
            hosts = [
                h for h in batch
                if names & set(self.states[h].notified)
                and (self.states[h].active or (self.options.force_handlers and not self.states[h].unreachable))
            ]
            if not hosts:
                continue
            self.events.task_start(self.runner.task_name(handler), True)
            await self._on_hosts(hosts, functools.partial(self._run_task, task=handler, context=context, handler=True))
        known = {n for h in self.play.handlers for n in (h.name or "", *h.listen)}
        for name in batch:
            unknown = [n for n in self.states[name].notified if n not in known]
            if unknown:
                self.events.warning(f"{name}: no handler answers to {', '.join(map(repr, unknown))}"
                                    " (a templated notify rendered to an unknown name)")
            self.states[name].notified.clear()
