"""Pure planning shared by the service backends: which actions reach the wanted state.

Stdlib only, Python 3.8 syntax. A backend reads whether the service runs and
is enabled; ``plan_service`` turns that and the wanted ``state``/``enabled``
into a Plan whose ``state["steps"]`` is the list of ``(action, argv)`` that
``run_steps`` performs in order (enable or disable first, then the state
change, as Ansible does).
"""

from corral.modules._api import Change, ModuleError, Plan

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple  # noqa: F401 (type comments)

STATES = ("started", "stopped", "restarted", "reloaded")
# how each action reads in a message and as the "after" of a state change
DONE = {"start": "started", "stop": "stopped", "restart": "restarted", "reload": "reloaded",
        "enable": "enabled", "disable": "disabled", "mask": "masked", "unmask": "unmasked",
        "daemon-reload": "reloaded the systemd configuration"}


def state_action(state, running):
    # type: (Optional[str], bool) -> Optional[str]
    """The action that brings a service that is (or is not) ``running`` to ``state``.

    restarted always acts; reloaded starts a stopped service (nothing to reload).
    """
    if state is None:
        return None
    if state == "started":
        return None if running else "start"
    if state == "stopped":
        return "stop" if running else None
    if state == "restarted":
        return "restart"
    if state == "reloaded":
        return "reload" if running else "start"
    raise ModuleError("state: %r is not one of %s" % (state, ", ".join(STATES)))


def restart_with_sleep(action, sleep, argv_of):
    # type: (str, Optional[int], Callable[[str], List[str]]) -> List[List[str]]
    """The commands of ``action``; a restart with ``sleep`` is stop, sleep N, start
    (the service module's ``sleep``, for init scripts)."""
    if action == "restart" and sleep:
        return [argv_of("stop"), ["sleep", str(int(sleep))], argv_of("start")]
    return [argv_of(action)]


def require_a_goal(args, goals=("state", "enabled")):
    # type: (Mapping[str, Any], Tuple[str, ...]) -> None
    if all(args.get(goal) is None for goal in goals):
        raise ModuleError("nothing to do: give at least one of %s" % ", ".join(goals))


def running_word(running):
    # type: (bool) -> str
    return "running" if running else "stopped"


def enabled_word(enabled):
    # type: (Optional[bool]) -> str
    return "unknown" if enabled is None else "enabled" if enabled else "disabled"


def plan_service(name, args, status, argv_for):
    # type: (str, Mapping[str, Any], Mapping[str, Any], Callable[[str], List[List[str]]]) -> Plan
    """Plan ``args["enabled"]`` then ``args["state"]`` for a service whose
    ``status`` is ``{"running": bool, "enabled": bool or None}``.

    ``argv_for(action)`` gives the commands of one action (enable may need two).
    """
    require_a_goal(args)
    changes, steps, already = [], [], []  # type: List[Change], List[Tuple[str, List[str]]], List[str]
    wanted = args.get("enabled")
    if wanted is not None:
        if status["enabled"] == wanted:
            already.append(enabled_word(wanted))
        else:
            action = "enable" if wanted else "disable"
            changes.append(Change("enabled", enabled_word(status["enabled"]), enabled_word(wanted)))
            steps += [(action, argv) for argv in argv_for(action)]
    state_step = state_action(args.get("state"), status["running"])
    if state_step is not None:
        changes.append(Change("state", running_word(status["running"]), DONE[state_step]))
        steps += [(state_step, argv) for argv in argv_for(state_step)]
    elif args.get("state") is not None:
        already.append(running_word(status["running"]))
    return finish_plan(name, changes, steps, already, service_data(name, args, status))


def finish_plan(name, changes, steps, already, data):
    # type: (str, List[Change], List[Tuple[str, List[str]]], List[str], Dict[str, Any]) -> Plan
    """A Plan with a message naming what was done, or the reason nothing was."""
    if not changes:
        return Plan(reason="%s is already %s" % (name, " and ".join(already)), data=data)
    done = []  # type: List[str]
    for action, _argv in steps:
        if DONE[action] not in done:
            done.append(DONE[action])
    return Plan(changes, msg="%s: %s" % (name, ", ".join(done)), data=data,
                state={"steps": steps})


def service_data(name, args, status):
    # type: (str, Mapping[str, Any], Mapping[str, Any]) -> Dict[str, Any]
    """What the task returns (register): Ansible's name, state and enabled."""
    action = state_action(args.get("state"), status["running"])
    running = status["running"] if action is None else action != "stop"
    data = {"name": name, "state": "started" if running else "stopped"}  # type: Dict[str, Any]
    wanted = args.get("enabled")
    enabled = status["enabled"] if wanted is None else wanted
    if enabled is not None:
        data["enabled"] = enabled
    return data
