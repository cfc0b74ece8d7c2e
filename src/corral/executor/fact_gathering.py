"""Gather facts as a run needs them: at play start the groups it reads, later any it missed.

At play start (the moment ansible-core gathers, so values are the same snapshot) a
gathering play asks each host for the groups ``fact_needs`` found, within the play's
``gather_subset``. None needed: no request at all, only the connection the first
task opens anyway (an unreachable host is unreachable at "Gathering Facts", as in
ansible-core). The groups the subset allows but the run was not seen to read stay
pending (``lazy_facts``): a template that reads one gathers it then.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from corral.errors import CorralError
from corral.executor.host_state import HostState
from corral.executor.lazy_facts import FactsMissing, FactVars, HostFacts
from corral.executor.play_context import PlayContext
from corral.executor.task_runner import TaskOutcome, TaskRunner
from corral.modules._api import ArgumentError
from corral.modules.setup import GROUPS, subset_groups
from corral.playbook.model import Play, Task
from corral.report.model import Status, TaskResult
from corral.templating import Templar

GATHERING = "Gathering Facts"


class FactGatherer:
    """The run's gathering: one ``HostFacts`` per host, filled play after play."""

    def __init__(self, needs: Mapping[int, frozenset[str]], states: dict[str, HostState],
                 contexts: Mapping[str, PlayContext],
                 make_templar: Callable[[Any], Templar]) -> None:
        self._needs = needs  # id(play) -> the groups the run reads from its gathering
        self._states = states
        self._contexts = contexts
        self._make_templar = make_templar
        self._facts: dict[str, HostFacts] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def _host_facts(self, state: HostState) -> HostFacts:
        facts = self._facts.get(state.name)
        if facts is None or state.facts is not facts.layer:
            facts = self._facts[state.name] = HostFacts(state.name)
            if state.facts is not None and not isinstance(state.facts.vars, FactVars):
                facts.adopt(state.facts.vars)  # module facts from before any gathering
        return facts

    def _allowed(self, play: Play, state: HostState, context: PlayContext) -> list[str] | None:
        """The groups the play's gather_subset selects; None when it is not valid."""
        if play.gather_subset is None:
            return list(GROUPS)
        templar = self._make_templar(context.stack_for(state))
        subset = templar.render(play.gather_subset)
        try:
            return subset_groups(subset if isinstance(subset, list) else [subset])
        except ArgumentError:
            return None  # the module says why, as the gathering task's failure

    async def at_play_start(self, runner: TaskRunner, state: HostState,
                            context: PlayContext) -> TaskResult:
        """The play's "Gathering Facts" task on one host."""
        play = context.play
        allowed = self._allowed(play, state, context)
        if allowed is None:
            task = _setup_task(play, {"gather_subset": play.gather_subset})
            return (await runner.run(state, task, context)).result
        needed = self._needs.get(id(play), frozenset(GROUPS))
        fetch = [g for g in allowed if g in needed]
        outcome = await runner.run(state, _setup_task(play, {"_groups": fetch}), context)
        if outcome.result.status is Status.OK:
            facts = self._host_facts(state)
            facts.add(_gathered(outcome), fetch)
            facts.due(allowed)
            state.facts = facts.layer
        return outcome.result

    async def missing(self, missing: FactsMissing, runner: TaskRunner, asking: HostState,
                      context: PlayContext) -> None:
        """A template read a pending fact: gather its groups on its host, now."""
        facts = self._facts.get(missing.host)
        state = self._states.get(missing.host)
        if facts is None or state is None:
            raise CorralError(str(missing))
        lock = self._locks.setdefault(missing.host, asyncio.Lock())
        async with lock:
            groups = [g for g in GROUPS if g in missing.groups and g in facts.pending]
            if not groups:
                return  # another task gathered them meanwhile
            where = self._contexts.get(missing.host, context)
            task = _setup_task(where.play, {"_groups": groups}, "Gathering Facts (on first use)")
            outcome = await runner.run(state, task, where)
            if outcome.result.status is not Status.OK:
                raise CorralError(f"gathering the facts {', '.join(groups)} of {missing.host} "
                                  f"that {asking.name} reads failed: {outcome.result.msg}")
            facts.add(_gathered(outcome), groups)


def _setup_task(play: Play, args: dict[str, Any], name: str = GATHERING) -> Task:
    return Task(module="setup", name=name, position=play.position, args=args)


def _gathered(outcome: TaskOutcome) -> Mapping[str, Any]:
    registered = outcome.registered or {}
    facts = registered.get("ansible_facts") if isinstance(registered, Mapping) else None
    return facts if isinstance(facts, Mapping) else {}
