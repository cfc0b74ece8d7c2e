"""The engine: run a playbook's plays over an inventory, one asyncio task per host."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from corral.errors import CorralError
from corral.executor.connections import ConnectionPool
from corral.executor.host_order import ordered_hosts
from corral.executor.host_state import HostState
from corral.executor.host_vars import facts_layer, inventory_stack, magic_layer, play_magic
from corral.executor.options import RunOptions
from corral.executor.play_context import PlayContext
from corral.executor.play_runner import PlayRunner, StartAt
from corral.executor.remote_call import RemoteCaller
from corral.executor.task_runner import TaskRunner
from corral.inventory import Inventory
from corral.modules.registry import ModuleRegistry
from corral.playbook.model import Play, Playbook, Task
from corral.report.events import RunEvents
from corral.report.model import RunReport, Status, TaskResult
from corral.templating import CorralEnvironment, Layer, Templar, TemplatedVars, VariableStack
from corral.templating.omit import OMIT
from corral.templating.unsafe import mark_unsafe
from corral.vars_file import read_vars_file


class Engine:
    """Runs playbooks. Owns the connections for the length of one run."""

    def __init__(self, inventory: Inventory, registry: ModuleRegistry, options: RunOptions,
                 events: RunEvents) -> None:
        self.inventory = inventory
        self.registry = registry
        self.options = options
        self.events = events
        self.env = CorralEnvironment()
        self.pool = ConnectionPool(options)
        self.states: dict[str, HostState] = {}
        self._bases: dict[str, VariableStack] = {}
        self._contexts: dict[str, PlayContext] = {}
        self._start_at = StartAt(options.start_at_task)

    # -- templating helpers -------------------------------------------------
    def templar(self, stack: VariableStack) -> Templar:
        return Templar(self.env, TemplatedVars(stack, self.env))

    def _base(self, host: str) -> VariableStack:
        if host not in self._bases:
            self._bases[host] = inventory_stack(self.inventory, host)
        return self._bases[host]

    def _hostvars(self, host: str) -> Mapping[str, Any]:
        state = self.states.get(host) or HostState(host)
        context = self._contexts.get(host)
        if context is None:
            stack = self._base(host)
            return TemplatedVars(stack, self.env)
        return TemplatedVars(context.stack_for(state), self.env)

    # -- the run --------------------------------------------------------------
    async def run(self, playbook: Playbook) -> RunReport:
        report = RunReport(check_mode=self.options.check)
        started = time.monotonic()
        current = asyncio.current_task()
        loop = asyncio.get_running_loop()
        interrupt_installed = False
        if current is not None:
            try:
                loop.add_signal_handler(signal.SIGINT, current.cancel)
                interrupt_installed = True
            except (NotImplementedError, RuntimeError):
                interrupt_installed = False
        try:
            for play in playbook.plays:
                await self._run_play(play, report)
        except asyncio.CancelledError:
            report.interrupted = True
        finally:
            if interrupt_installed:
                loop.remove_signal_handler(signal.SIGINT)
            if self.options.collect_stats:
                report.stats = self.pool.stats()
            await asyncio.shield(self.pool.close())
            report.duration = time.monotonic() - started
        self.events.run_end(report)
        return report

    def select_hosts(self, play: Play) -> list[str]:
        hosts = self.inventory.select(play.hosts)
        hosts = self.inventory.limit(hosts, self.options.limit)
        if self.options.shard is not None:
            hosts = self.options.shard.select(hosts)
        return [h.name for h in hosts]

    async def _run_play(self, play: Play, report: RunReport) -> None:
        hosts = self.select_hosts(play)
        self.events.play_start(play.name or play.hosts, hosts, self.options.check)
        if not hosts:
            self.events.warning(f"play {play.name or play.hosts!r}: no hosts matched")
            return
        for name in hosts:
            report.host(name)
            self.states.setdefault(name, HostState(name))
            state = self.states[name]
            state.ended = False  # end_play/end_host last for one play
        hosts = ordered_hosts(hosts, play.order)  # the report stays in inventory order
        runner = TaskRunner(RemoteCaller(self.pool, self.registry), self.templar,
                            self.options.check, self.options.diff, self.options.verbosity)

        async def make_context(batch: list[str]) -> PlayContext:
            return self._play_context(play, hosts, batch)

        play_runner = PlayRunner(
            play=play, options=self.options, runner=runner, events=self.events, report=report,
            states=self.states, make_context=make_context,
            semaphore=asyncio.Semaphore(max(1, self.options.forks)),
            gather_facts=lambda state, ctx: self._gather_facts(runner, state, ctx),
            start_at=self._start_at,
        )
        await play_runner.run(hosts)

    def _play_context(self, play: Play, play_hosts: list[str], batch: list[str]) -> PlayContext:
        playbook_dir = play.path.parent
        context = PlayContext(play=play, play_hosts=play_hosts, batch=batch,
                              playbook_dir=playbook_dir,
                              base={h: self._base(h) for h in batch})
        if self.options.extra_vars:
            context.extra = Layer(name=self.options.extra_vars_source, vars=self.options.extra_vars,
                                  path=None, lines={})
        shared = play_magic(self.inventory, play_hosts, batch, playbook_dir, self.options.check,
                            self.options.diff, OMIT, self._hostvars)
        for host in batch:
            context.magic[host] = magic_layer(self.inventory, host, shared)
            self._contexts[host] = context
        for host in batch:
            context.play_layers[host] = self._play_layers(play, context, host)
        return context

    def _play_layers(self, play: Play, context: PlayContext, host: str) -> list[Layer]:
        layers = []
        if play.vars:
            layers.append(Layer(name="play vars", vars=play.vars, path=str(play.path),
                                lines=_key_lines(play.vars)))
        context.play_layers[host] = list(layers)
        for entry in play.vars_files:
            templar = self.templar(context.stack_for(self.states[host]))
            where = play.keyword_positions.get("vars_files", play.position)
            name = str(templar.render(entry, f"vars_files at {where}"))
            path = Path(name)
            if not path.is_absolute():
                path = play.path.parent / path
            layers.append(Layer(name=f"vars_files: {name}", vars=read_vars_file(path, "vars_files"),
                                path=str(path), lines={}))
            context.play_layers[host] = list(layers)
        return layers

    async def _gather_facts(self, runner: TaskRunner, state: HostState,
                            context: PlayContext) -> TaskResult | None:
        task = Task(module="setup", name="Gathering Facts", position=context.play.position)
        outcome = await runner.run(state, task, context)
        result = outcome.result
        if result.status is Status.OK and outcome.registered is not None:
            facts = outcome.registered.get("ansible_facts") or {}
            state.facts = facts_layer(mark_unsafe(dict(facts)))
        return result


def _key_lines(values: Mapping[str, Any]) -> dict[str, int]:
    """Line of each key, when the YAML loader kept positions (playbook.yaml_loader.PosDict)."""
    positions = getattr(values, "key_positions", None) or {}
    return {str(k): p.line for k, p in positions.items() if getattr(p, "line", None)}


__all__ = ["CorralError", "Engine"]
