"""The systemd logic behind ``systemd``, ``systemd_service`` and ``service`` on systemd hosts.

Stdlib only, Python 3.8 syntax. ``inspect`` reads the unit with one
``systemctl show``; ``plan`` is pure and lists the steps (daemon-reload,
unmask, enable or disable, mask, then start/stop/restart/reload);
``apply`` runs them and, when a unit fails to start, fails with the last
lines of its journal.
"""

from corral.modules._api import Arg, Change, ModuleError, Plan, missing  # noqa: F401 (Plan: type comments)
from corral.modules._svc_plan import DONE, STATES, finish_plan, state_action
from corral.modules._svc_run import failure_message, run, run_ok

REQUIRES = ("_svc_run", "_svc_plan")

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401 (type comments)

DOC = "Manage systemd units: start, stop, restart, reload, enable, mask; daemon-reload."

ARGS = {
    "name": Arg(str, aliases=("service", "unit"),
                doc="Unit name (corral-demo or corral-demo.service); required unless only "
                    "daemon_reload is given."),
    "state": Arg(str, choices=STATES,
                 doc="started/stopped change only when needed; restarted and reloaded always "
                     "act (reloaded starts a stopped unit)."),
    "enabled": Arg(bool, doc="Whether the unit starts at boot."),
    "masked": Arg(bool, doc="Whether the unit is masked (cannot be started at all)."),
    "daemon_reload": Arg(bool, default=False, aliases=("daemon-reload",),
                         doc="Reload systemd's configuration first, when systemd reports unit "
                             "files changed on disk since it loaded them."),
    "scope": Arg(str, default="system", choices=("system",),
                 doc="The systemd instance; only the system manager is supported."),
    "no_block": Arg(bool, default=False,
                    doc="Queue the start/stop job and return without waiting for it."),
}

RUNNING = ("active", "activating", "reloading")
MASKED = ("masked", "masked-runtime")
# unit file states `systemctl is-enabled` answers 0 for (indirect: enabled by another unit)
ENABLED = ("enabled", "enabled-runtime", "alias", "static", "generated", "transient")
# enabled by something other than a unit file's [Install] section: cannot be disabled
NOT_SWITCHABLE = ("static", "generated", "transient")
JOURNAL_LINES = 20


# --- inspect ---------------------------------------------------------------------

def show_argv(name, all_loaded):
    # type: (Optional[str], bool) -> List[str]
    """``systemctl show``: every property of the unit (its ``status`` for register),
    or (``all_loaded``, for daemon_reload) the reload flag of every loaded unit."""
    if all_loaded:
        return ["systemctl", "show", "*", "-p", "Id,NeedDaemonReload"]
    return ["systemctl", "show", str(name)]


def parse_show(text):
    # type: (str) -> List[Dict[str, str]]
    """``systemctl show`` output: one dict per unit (blocks are separated by blank lines)."""
    blocks, block = [], {}  # type: List[Dict[str, str]], Dict[str, str]
    for line in text.splitlines():
        if not line.strip():
            if block:
                blocks.append(block)
            block = {}
            continue
        key, sep, value = line.partition("=")
        if sep:
            block[key] = value
    if block:
        blocks.append(block)
    return blocks


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    name = args.get("name")
    if not name and not args["daemon_reload"]:
        return {"unit": None, "stale": []}
    unit = None
    if name:
        shown = run_ok(show_argv(name, False), "reading the state of %s" % name)
        blocks = parse_show(shown.out)
        if not blocks:
            raise ModuleError("systemctl show %s printed nothing" % name)
        unit = blocks[0]
    blocks = []
    if args["daemon_reload"]:
        shown = run_ok(show_argv(None, True), "reading the state of systemd")
        blocks = parse_show(shown.out)
    stale = [b.get("Id", "?") for b in blocks if b.get("NeedDaemonReload") == "yes"]
    if unit is not None and unit.get("NeedDaemonReload") == "yes" and unit.get("Id") not in stale:
        stale.insert(0, str(unit.get("Id", name)))
    return {"unit": unit, "stale": stale}


# --- plan ------------------------------------------------------------------------

def _check_args(args):
    # type: (Mapping[str, Any]) -> None
    goals = [g for g in ("state", "enabled", "masked") if args.get(g) is not None]
    if not args.get("name"):
        if goals:
            raise ModuleError("name is required with %s" % ", ".join(goals))
        if not args["daemon_reload"]:
            raise ModuleError("nothing to do: give name and at least one of state, enabled, "
                              "masked, or daemon_reload: true")
        return
    if not goals and not args["daemon_reload"]:
        raise ModuleError("nothing to do for %s: give at least one of state, enabled, masked, "
                          "daemon_reload" % args["name"])
    if args.get("masked") and (args.get("enabled") or args.get("state") in ("started", "restarted", "reloaded")):
        raise ModuleError("masked: true stops %s from starting at all; it cannot also be enabled "
                          "or %s" % (args["name"], args.get("state") or "enabled"))


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    _check_args(args)
    unit = current["unit"]
    changes, steps, already = [], [], []  # type: List[Change], List[Tuple[str, List[str]]], List[str]
    if args["daemon_reload"]:
        _plan_reload(current["stale"], changes, steps, already)
    if unit is None:
        return finish_plan("systemd", changes, steps, already, {})
    uid = unit.get("Id") or str(args["name"])
    note = _check_loaded(uid, unit, args, getattr(ctx, "check", False))
    if note:
        unit = dict(unit, UnitFileState=unit.get("UnitFileState") or "disabled")
    block = ["--no-block"] if args["no_block"] else []
    _plan_masked(uid, unit, args.get("masked"), changes, steps, already)
    _plan_enabled(uid, unit, args.get("enabled"), changes, steps, already)
    action = state_action(args.get("state"), unit.get("ActiveState") in RUNNING)
    if action == "reload" and unit.get("CanReload") == "no":
        raise ModuleError("unit %s cannot reload (it has no ExecReload=); use state: restarted"
                          % uid)
    if action is not None:
        changes.append(Change("state", _active_text(unit), DONE[action]))
        steps.append((action, ["systemctl"] + block + [action, uid]))
    elif args.get("state") is not None:
        already.append(_active_text(unit))
    result = finish_plan(uid, changes, steps, already, unit_data(uid, unit, args, action))
    if note and result.changed:
        result.msg += " (%s)" % note
        result.missing = missing("unit", uid)
    result.state = dict(result.state or {}, unit=uid, wait=not args["no_block"])
    return result


def _plan_reload(stale, changes, steps, already):
    # type: (List[str], List[Change], List[Tuple[str, List[str]]], List[str]) -> None
    if not stale:
        already.append("loaded from the current unit files (no daemon-reload needed)")
        return
    shown = ", ".join(stale[:3]) + (" and %d more" % (len(stale) - 3) if len(stale) > 3 else "")
    changes.append(Change("daemon-reload", "unit files changed on disk: %s" % shown, "reloaded"))
    steps.append(("daemon-reload", ["systemctl", "daemon-reload"]))


def _check_loaded(uid, unit, args, check):
    # type: (str, Dict[str, str], Mapping[str, Any], bool) -> str
    """Fail for a unit systemd cannot load; in check mode a missing unit is only a note
    (an earlier task, a package install, may bring it)."""
    load = unit.get("LoadState", "")
    if load == "not-found" and not args.get("masked"):
        if not check:
            raise ModuleError("unit %s not found" % uid, missing("unit", uid))
        return "check mode: unit %s not found; an earlier task may install it" % uid
    if load in ("error", "bad-setting"):
        raise ModuleError("unit %s cannot be loaded (LoadState=%s); see systemctl status %s"
                          % (uid, load, uid))
    return ""


def _is_masked(unit):
    # type: (Dict[str, str]) -> bool
    return unit.get("UnitFileState") in MASKED or unit.get("LoadState") == "masked"


def _plan_masked(uid, unit, wanted, changes, steps, already):
    # type: (str, Dict[str, str], Optional[bool], List[Change], List[Tuple[str, List[str]]], List[str]) -> None
    if wanted is None:
        return
    masked = _is_masked(unit)
    if masked == wanted:
        already.append("masked" if masked else "not masked")
        return
    action = "mask" if wanted else "unmask"
    changes.append(Change("masked", masked, wanted))
    steps.append((action, ["systemctl", action, uid]))


def _plan_enabled(uid, unit, wanted, changes, steps, already):
    # type: (str, Dict[str, str], Optional[bool], List[Change], List[Tuple[str, List[str]]], List[str]) -> None
    if wanted is None:
        return
    state = unit.get("UnitFileState", "")
    if not state or state == "bad":
        raise ModuleError("unit %s has no usable unit file (UnitFileState=%s); it cannot be "
                          "enabled or disabled" % (uid, state or "none"))
    if wanted == (state in ENABLED):
        already.append(state if state in NOT_SWITCHABLE else "enabled" if wanted else "disabled")
        return
    if not wanted and state in NOT_SWITCHABLE:
        raise ModuleError("unit %s is %s (no [Install] section to undo): it cannot be disabled; "
                          "use masked: true to keep it from starting" % (uid, state))
    action = "enable" if wanted else "disable"
    changes.append(Change("enabled", state, DONE[action]))
    steps.append((action, ["systemctl", action, uid]))


def _active_text(unit):
    # type: (Dict[str, str]) -> str
    return "%s (%s)" % (unit.get("ActiveState", "?"), unit.get("SubState", "?"))


def unit_data(uid, unit, args, action):
    # type: (str, Dict[str, str], Mapping[str, Any], Optional[str]) -> Dict[str, Any]
    """What the task returns: name, state, enabled (after the task) and the unit's status."""
    running = unit.get("ActiveState") in RUNNING if action is None else action != "stop"
    enabled = args.get("enabled")
    if enabled is None:
        enabled = unit.get("UnitFileState") in ENABLED
    return {"name": args.get("name") or uid, "state": "started" if running else "stopped",
            "enabled": enabled, "status": dict(unit)}


# --- apply -----------------------------------------------------------------------

def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> None
    uid = plan.state.get("unit")
    for action, argv in plan.state["steps"]:
        ran = run(argv)
        if ran.rc != 0:
            doing = "%s %s" % (action, uid) if uid else action
            if action in ("start", "restart", "reload"):
                raise ModuleError(_start_failure(ran, doing, uid), rc=ran.rc)
            raise ModuleError(failure_message(ran, doing), rc=ran.rc)
        if action in ("start", "restart") and plan.state.get("wait"):
            _check_running(uid, action)


def _check_running(uid, action):
    # type: (str, str) -> None
    """A unit that failed right after starting (Type=simple exits at once) fails the task."""
    state = run(["systemctl", "show", uid, "-p", "ActiveState,SubState,Result"])
    blocks = parse_show(state.out) if state.rc == 0 else []
    if blocks and blocks[0].get("ActiveState") == "failed":
        raise ModuleError("unit %s failed right after %s (Result=%s)\n%s" % (
            uid, DONE[action], blocks[0].get("Result", "?"), journal_text(uid)))


def _start_failure(ran, doing, uid):
    # type: (Any, str, str) -> str
    return "%s\n%s" % (failure_message(ran, doing), journal_text(uid))


def journal_argv(uid):
    # type: (str) -> List[str]
    return ["journalctl", "-u", uid, "-n", str(JOURNAL_LINES), "--no-pager"]


def status_argv(uid):
    # type: (str) -> List[str]
    return ["systemctl", "status", uid, "--no-pager", "-l", "-n", str(JOURNAL_LINES)]


def journal_text(uid):
    # type: (str) -> str
    """The last lines of the unit's journal, or ``systemctl status`` without a journal."""
    try:
        journal = run(journal_argv(uid))
        text = journal.out.strip() if journal.rc == 0 else ""
        if text and text != "-- No entries --":
            return "last %d lines of its journal (journalctl -u %s):\n%s" % (JOURNAL_LINES, uid, text)
    except ModuleError:
        pass  # no journalctl
    status = run(status_argv(uid))
    return "systemctl status %s:\n%s" % (uid, status.output())
