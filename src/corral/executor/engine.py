"""The engine: run a playbook's plays over an inventory, one asyncio task per host."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from corral.errors import CorralError
from corral.executor.catalog import ModuleCatalog
from corral.executor.connections import CLOSE_SECONDS, ConnectionPool
from corral.executor.fact_gathering import FactGatherer
from corral.executor.fact_needs import play_gathers, play_needs, read_include
from corral.executor.host_order import ordered_hosts
from corral.executor.host_state import HostState
from corral.executor.host_vars import (
    inventory_stack,
    magic_layer,
    play_magic,
    registered_layer,
)
from corral.executor.include_loader import IncludeLoader
from corral.executor.includes import IncludeExpander
from corral.executor.inventory_tasks import InventoryEdit
from corral.executor.lazy_facts import FactsMissing
from corral.executor.options import RunOptions
from corral.executor.play_context import PlayContext
from corral.executor.play_runner import PlayRunner, StartAt
from corral.executor.remote_call import RemoteCaller
from corral.executor.task_runner import TaskRunner
from corral.executor.vars_prompt import prompt_vars, vars_file_choice
from corral.inventory import Inventory
from corral.inventory.runtime_edit import with_group_member, with_host
from corral.modules.registry import ModuleRegistry
from corral.playbook.model import Play, Playbook
from corral.report.events import RunEvents
from corral.report.model import RunReport, Status, TaskResult
from corral.templating import (
    CorralEnvironment,
    HostVarsView,
    Layer,
    Templar,
    TemplatedVars,
    VariableStack,
    check_condition_syntax,
)
from corral.templating.omit import OMIT
from corral.vars_file import read_vars_file

INTERRUPT_CLOSE_SECONDS = 0.75  # after Ctrl-C, how long hosts get to confirm they stopped


class Engine:
    """Runs playbooks. Owns the connections for the length of one run."""

    def __init__(self, inventory: Inventory, registry: ModuleRegistry, options: RunOptions,
                 events: RunEvents, env: CorralEnvironment | None = None) -> None:
        """``env``: the environment the input was checked with (its compiled templates are
        the run's), else a new one."""
        self.inventory = inventory
        self.registry = registry
        self.options = options
        self.events = events
        self.env = env if env is not None else CorralEnvironment()
        self.pool = ConnectionPool(options)
        self.states: dict[str, HostState] = {}
        self._bases: dict[str, VariableStack] = {}
        self._contexts: dict[str, PlayContext] = {}
        self._start_at = StartAt(options.start_at_task)
        self._task: asyncio.Task[Any] | None = None  # the run, cancelled by an interrupt
        self._play_runner: PlayRunner | None = None  # the play running now
        self._interrupted = False
        self._closing = False
        self._hurry = asyncio.Event()  # a second interrupt: stop waiting for the hosts
        self._roles_path: tuple[Path, ...] = ()
        self._prompts: dict[int, dict[str, Any]] = {}
        self._facts = FactGatherer({}, self.states, self._contexts, self.templar)

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
            if state.registered:  # facts delegated to a host outside the play
                stack = stack.push(registered_layer(state))
            return TemplatedVars(stack, self.env)
        return TemplatedVars(context.stack_for(state), self.env)

    # -- the run --------------------------------------------------------------
    def interrupt(self) -> None:
        """Ctrl-C or SIGTERM (call it on the event loop's thread).

        The first stops the run: no new task starts, every host's running request
        is cancelled at once (its agent stops what it started), then every
        connection closes under one short deadline. A later one stops waiting for
        the hosts. The run still returns its report either way.
        """
        if self._interrupted or self._closing:
            self._interrupted = True
            self._hurry.set()
            return
        self._interrupted = True
        self.pool.cancel_running()
        if self._task is not None:
            self._task.cancel()

    async def run(self, playbook: Playbook) -> RunReport:
        self._roles_path = playbook.roles_path
        self._facts = FactGatherer(self._fact_needs(playbook), self.states, self._contexts,
                                   self.templar)
        report = RunReport(check_mode=self.options.check)
        started = time.monotonic()
        self._task = asyncio.current_task()
        played = 0
        try:
            for play in playbook.plays:
                if self._interrupted:  # before the run had a task to cancel
                    raise asyncio.CancelledError
                await self._run_play(play, report)
                played += 1
        except asyncio.CancelledError:
            if not self._interrupted:
                raise
            uncancel = getattr(self._task, "uncancel", None)  # Python >= 3.11
            if uncancel is not None:
                uncancel()  # handled here: the closing that follows awaits as usual
            current = 1 if self._play_runner is not None else 0
            self._mark_interrupted(report, playbook.plays[played + current:])
        finally:
            self._closing = True
            if self.options.collect_stats:
                report.stats = self.pool.stats()
            if self.pool.last_host_up is not None:
                report.connected_after = self.pool.last_host_up - started
            closing = time.monotonic()
            await self.pool.close(INTERRUPT_CLOSE_SECONDS if self._interrupted else CLOSE_SECONDS,
                                  self._hurry)
            report.closing = time.monotonic() - closing
            report.duration = time.monotonic() - started
        report.interrupted = self._interrupted
        self.events.run_end(report)
        return report

    def _fact_needs(self, playbook: Playbook) -> dict[int, frozenset[str]]:
        """id(play) -> the fact groups its gathering must bring (see fact_needs)."""
        loaders: dict[int, IncludeLoader] = {}

        def loader(play: Play) -> IncludeLoader:
            if id(play) not in loaders:
                loaders[id(play)] = IncludeLoader(ModuleCatalog(self.registry),
                                                  check_condition_syntax, self._roles_path,
                                                  play.path.parent, play.role_keys)
            return loaders[id(play)]

        needs = play_needs(playbook.plays, lambda p: play_gathers(p, self.options.gather_implicit),
                           lambda task, play: read_include(loader(play), task))
        return {id(play): groups for play, groups in zip(playbook.plays, needs, strict=True)}

    def _mark_interrupted(self, report: RunReport, later_plays: list[Play]) -> None:
        """Every host selected gets one state: what it finished, interrupted, or never touched."""
        waiting: list[str] = []
        if self._play_runner is not None:
            cut, waiting = self._play_runner.unfinished()
            for name, task in cut.items():
                host = report.host(name)
                host.interrupted, host.interrupted_task = True, task
        for play in later_plays:
            try:
                waiting += self.select_hosts(play)
            except CorralError:
                continue  # a pattern that does not resolve selects no host
        for name in waiting:
            host = report.host(name)
            if not host.results and not host.interrupted:
                host.never_touched = True

    def preload_transport(self, playbook: Playbook) -> None:
        """Before the run: dial the hosts the first play reaches first and load the SSH
        library if they use it (see ``ConnectionPool.preload``)."""
        for play in playbook.plays:
            try:
                hosts = self.select_hosts(play)
            except CorralError:
                return
            if hosts:
                first = ordered_hosts(hosts, play.order)[:max(1, self.options.forks)]
                vars_of = ((host, self._hostvars(host)) for host in first)
                self.pool.preload([(host, host_vars) for host, host_vars in vars_of
                                   if not _local_by_play(play, host_vars)])
                return

    def select_hosts(self, play: Play) -> list[str]:
        hosts = self.inventory.select(play.hosts)
        hosts = self.inventory.limit(hosts, self.options.limit)
        if self.options.shard is not None:
            hosts = self.options.shard.select(hosts)
        return [h.name for h in hosts]

    async def _run_play(self, play: Play, report: RunReport) -> None:
        self._play_runner = None
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
            state.public_roles = []  # include_role public: yes lasts for one play
            state.roles_done = set()  # a role runs once per play
        hosts = ordered_hosts(hosts, play.order)  # the report stays in inventory order
        runner = TaskRunner(RemoteCaller(self.pool, self.registry), self.templar,
                            self.options.check, self.options.diff, self.options.verbosity)

        async def gather_missing(missing: FactsMissing, state: HostState,
                                 context: PlayContext) -> None:
            await self._facts.missing(missing, runner, state, context)

        runner.gather_missing = gather_missing

        async def make_context(batch: list[str]) -> PlayContext:
            return self._play_context(play, hosts, batch)

        play_runner = self._play_runner = PlayRunner(
            play=play, options=self.options, runner=runner, events=self.events, report=report,
            states=self.states, make_context=make_context,
            semaphore=asyncio.Semaphore(max(1, self.options.forks)),
            gather_facts=lambda state, ctx: self._gather_facts(runner, state, ctx),
            start_at=self._start_at,
            includes=IncludeExpander(IncludeLoader(ModuleCatalog(self.registry),
                                                   check_condition_syntax, self._roles_path,
                                                   play.path.parent, play.role_keys),
                                     self.templar),
            edit_inventory=self._edit_inventory,
        )
        await play_runner.run(hosts)

    def _edit_inventory(self, edits: list[InventoryEdit], context: PlayContext) -> list[bool]:
        """Apply add_host/group_by; later plays and the ``groups`` variable see the change."""
        changed: list[bool] = []
        for edit in edits:
            if edit.kind == "add_host":
                self.inventory, done = with_host(self.inventory, edit.host, edit.groups,
                                                 edit.host_vars)
            else:
                self.inventory, done = with_group_member(self.inventory, edit.host,
                                                         edit.groups[0], edit.parents)
            changed.append(done)
            self._bases.pop(edit.host, None)
            if edit.host in context.base:
                context.base[edit.host] = self._base(edit.host)
        groups = self.inventory.groups_map()
        hostvars = HostVarsView(list(self.inventory.hosts), self._hostvars)
        for layer in context.magic.values():
            if isinstance(layer.vars, dict):  # built by magic_layer: the batch's own dicts
                layer.vars["groups"] = groups
                layer.vars["hostvars"] = hostvars
        return changed

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
            # vars_files names may use facts: read again once they are gathered.
            context.play_layers[host] = self._play_layers(play, context, host,
                                                          final=not play.gather_facts)
        return context

    def _play_layers(self, play: Play, context: PlayContext, host: str,
                     final: bool = True) -> list[Layer]:
        layers = []
        if play.vars:
            layers.append(Layer(name="play vars", vars=play.vars, path=str(play.path),
                                lines=_key_lines(play.vars)))
        if play.vars_prompt:
            layers.append(self._prompted(play))
        context.play_layers[host] = list(layers)
        for entry in play.vars_files:
            templar = self.templar(context.stack_for(self.states[host]))
            try:
                where = play.keyword_positions.get("vars_files", play.position)
                name, path = vars_file_choice(entry, templar, play.path.parent,
                                              f"vars_files at {where}")
            except CorralError:
                if final:
                    raise
                break  # a name that needs facts: read after gathering them
            layers.append(Layer(name=f"vars_files: {name}", vars=read_vars_file(path, "vars_files"),
                                path=str(path), lines={}))
            context.play_layers[host] = list(layers)
        return layers

    def _prompted(self, play: Play) -> Layer:
        """vars_prompt answers, asked once per play (not per host or batch)."""
        key = id(play)
        if key not in self._prompts:
            self._prompts[key] = prompt_vars(play.vars_prompt, self.options.extra_vars)
        return Layer(name="vars_prompt", vars=self._prompts[key], path=str(play.path))

    async def _gather_facts(self, runner: TaskRunner, state: HostState,
                            context: PlayContext) -> TaskResult | None:
        result = await self._facts.at_play_start(runner, state, context)
        if result.status is Status.OK and context.play.vars_files:
            context.play_layers[state.name] = self._play_layers(context.play, context, state.name)
        return result


def _key_lines(values: Mapping[str, Any]) -> dict[str, int]:
    """Line of each key, when the YAML loader kept positions (playbook.yaml_loader.PosDict)."""
    positions = getattr(values, "key_positions", None) or {}
    return {str(k): p.line for k, p in positions.items() if getattr(p, "line", None)}


def _local_by_play(play: Play, host_vars: Mapping[str, Any]) -> bool:
    """The play's ``connection: local`` applies (a host's ansible_connection wins over it)."""
    return play.connection == "local" and "ansible_connection" not in host_vars


__all__ = ["CorralError", "Engine"]
