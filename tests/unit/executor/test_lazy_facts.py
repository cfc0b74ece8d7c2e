"""Facts not gathered yet: reading one of a pending group asks for it, never renders undefined."""

from __future__ import annotations

import asyncio

import pytest

from corral.errors import CorralError
from corral.executor.host_state import HostState
from corral.executor.host_vars import with_module_facts
from corral.executor.lazy_facts import FactsMissing, HostFacts, facts_missing
from corral.report.model import Status
from corral.templating import CorralEnvironment, Layer, Templar, VariableStack


def _templar(facts: HostFacts, **more: object) -> Templar:
    stack = VariableStack([Layer(name="inventory", vars=dict(more)), facts.layer])
    return Templar(CorralEnvironment(), stack)


def _host() -> HostFacts:
    facts = HostFacts("web1")
    facts.add({"hostname": "web1", "kernel": "6.1"}, ["platform"])
    facts.due(["platform", "distribution", "env"])  # hardware: outside the play's subset
    return facts


@pytest.mark.parametrize("how,text", [
    ("variable", "{{ ansible_os_family }}"),
    ("attribute", "{{ ansible_facts.os_family }}"),
    ("item", "{{ ansible_facts['distribution'] }}"),
    ("default", "{{ ansible_os_family | default('none') }}"),
    ("through a variable", "{{ family }}"),
    ("vars", "{{ vars['ansible_distribution'] }}"),
])
def test_reading_a_pending_fact_asks_for_its_group(how: str, text: str) -> None:
    templar = _templar(_host(), family="{{ ansible_os_family }}")
    with pytest.raises(CorralError) as caught:
        templar.render(text)
    missing = facts_missing(caught.value)
    assert missing is not None, how
    assert (missing.host, missing.groups) == ("web1", frozenset({"distribution"}))


@pytest.mark.parametrize("condition", [
    "ansible_os_family is defined",
    "'os_family' in ansible_facts",
    "ansible_facts.os_family == 'Debian'",
])
def test_conditions_ask_too(condition: str) -> None:
    with pytest.raises(CorralError) as caught:
        _templar(_host()).condition(condition)
    assert facts_missing(caught.value) is not None


def test_gathered_and_never_due_facts_read_as_usual() -> None:
    facts = _host()
    templar = _templar(facts)
    assert templar.render("{{ ansible_kernel }}/{{ ansible_facts.hostname }}") == "6.1/web1"
    # hardware is outside the play's gather_subset: undefined, as in ansible-core
    assert templar.condition("ansible_memtotal_mb is not defined")
    assert templar.condition("ansible_facts.memtotal_mb is not defined")
    assert templar.render("{{ ansible_nope | default('x') }}") == "x"


def test_after_gathering_the_same_mappings_have_the_fact() -> None:
    facts = _host()
    templar = _templar(facts)
    with pytest.raises(CorralError):
        templar.render("{{ ansible_facts.os_family }}")
    facts.add({"os_family": "Debian", "distribution": "Debian"}, ["distribution"])
    assert facts.pending == frozenset({"env"})
    assert _templar(facts).render("{{ ansible_facts.os_family }}-{{ ansible_distribution }}") \
        == "Debian-Debian"


def test_module_facts_join_the_gathered_ones() -> None:
    facts = _host()
    layer = with_module_facts(facts.layer, {"getent_passwd": {"root": ["x"]},
                                            "ansible_hostname": "renamed"})
    assert layer is facts.layer
    templar = _templar(facts)
    assert templar.render("{{ getent_passwd.root[0] }}") == "x"
    assert templar.render("{{ ansible_facts.hostname }} {{ ansible_hostname }}") \
        == "renamed renamed"
    with pytest.raises(CorralError):
        templar.render("{{ ansible_env }}")


def test_facts_missing_is_found_behind_a_template_error() -> None:
    inner = FactsMissing("h", frozenset({"env"}))
    try:
        try:
            raise inner
        except FactsMissing as exc:
            raise CorralError("wrapped") from exc
    except CorralError as outer:
        assert facts_missing(outer) is inner
    assert facts_missing(CorralError("plain")) is None


def test_a_variable_set_above_the_facts_asks_for_nothing() -> None:
    facts = _host()
    stack = VariableStack([facts.layer, Layer(name="set_fact", vars={
        "ansible_os_family": "Custom"})])
    templar = Templar(CorralEnvironment(), stack)
    assert templar.render("{{ ansible_os_family }}") == "Custom"
    assert templar.condition("ansible_os_family is defined")


# -- the task runner: gather, then render again; a gathering that fails fails the task ------
def _run_debug(gather: object, msg: str = "{{ ansible_os_family }}") -> tuple[object, HostState]:
    from pathlib import Path

    from corral.errors import Position
    from corral.executor.play_context import PlayContext
    from corral.executor.task_runner import TaskRunner
    from corral.playbook.model import Play, Task

    facts = _host()
    state = HostState("web1", facts=facts.layer)
    play = Play(hosts="all", position=Position("site.yml", 1), path=Path("site.yml"))
    context = PlayContext(play=play, play_hosts=["web1"], batch=["web1"],
                          playbook_dir=Path("."), base={"web1": VariableStack()})
    env = CorralEnvironment()
    runner = TaskRunner(None, lambda stack: Templar(env, stack), False, False, 0)  # type: ignore[arg-type]

    async def gather_missing(missing: FactsMissing, asking: HostState, ctx: object) -> None:
        gather(facts, missing)

    runner.gather_missing = gather_missing
    task = Task(module="debug", position=Position("site.yml", 3), args={"msg": msg})
    outcome = asyncio.run(runner.run(state, task, context))
    return outcome.result, state


def test_a_task_reading_a_pending_fact_gathers_it_and_runs_once() -> None:
    asked: list[frozenset[str]] = []

    def gather(facts: HostFacts, missing: FactsMissing) -> None:
        asked.append(missing.groups)
        facts.add({"os_family": "Debian"}, missing.groups)

    result, _ = _run_debug(gather, "{{ ansible_os_family }} {{ ansible_facts.os_family }}")
    assert (result.status, result.msg, asked) == (Status.OK, "Debian Debian",
                                                  [frozenset({"distribution"})])


def test_a_gathering_that_fails_fails_the_task_with_its_reason() -> None:
    def gather(facts: HostFacts, missing: FactsMissing) -> None:
        raise CorralError("gathering the facts distribution of web1 failed: unreachable")

    result, _ = _run_debug(gather)
    assert result.status is Status.FAILED and "unreachable" in result.msg


def test_an_error_raised_while_handling_one_is_not_a_missing_fact() -> None:
    try:
        try:
            raise FactsMissing("h", frozenset({"env"}))
        except FactsMissing:
            raise CorralError("the gathering failed") from None
    except CorralError as outer:
        assert facts_missing(outer) is None
