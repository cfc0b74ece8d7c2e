"""What every package module shares: arguments, name lists, the plan, running the manager.

Stdlib only, Python 3.8 syntax. A backend (``_pkg_apt``, ``_pkg_dnf``, …) knows
one package manager; it is an object with:

``name``
    the manager's name as ``pkg_mgr`` reports it (apt, dnf, …).
``query(specs, args)``
    ask the package database ONCE about every spec; return ``{spec: Installed}``.
``simulate(op, targets, installed, args)``
    read-only: what ``op`` (install, latest, remove) would do, as a list of
    ``(name, before, after)`` (``ABSENT`` for "not installed"). Raises
    ``ModuleError`` with the manager's message when it refuses.
``execute(op, targets, installed, args)``
    do it in one call (where the manager allows); return a list of ``Ran``.
``cache_stale(args)`` / ``update_cache(args)``
    whether ``update_cache``/``cache_valid_time`` ask for an index refresh, and do it.
``newest(targets, installed, args)`` (optional)
    state=latest: True when every target is installed at the version the manager would
    install (a cheap look that spares the simulation of a converged host).
``snapshot()`` (optional)
    every package in the database, ``{name: version}`` (``None`` for apt's config-only
    residue): a backend that has it acts without simulating first where the database
    alone decides the plan (below, ``acts_directly``), and reads what changed by
    comparing the snapshots taken before and after its one transaction.

The index is resolved once per task where it can be: a missing package is
installed (or an installed one removed) by one real transaction, not a simulation
and then the transaction; check mode, upgrades, ``latest`` of an installed package
and a version change still simulate, as the plan (or its honest report) needs the
resolver.

``inspect`` → ``plan`` → ``apply`` below drive any backend, so the package
modules are a few lines each; ``package`` picks the backend with ``pkg_mgr()``,
the same detection the ``setup`` module's ``pkg_mgr`` fact uses.
"""

import fnmatch
import os
import subprocess
import time

from corral.modules._api import Arg, Change, ModuleError, Plan

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple  # noqa: F401 (type comments)

ABSENT = "absent"
STATES = ("present", "absent", "latest", "installed", "removed")
_STATE_SYNONYMS = {"installed": "present", "removed": "absent"}
COMMAND_TIMEOUT = 3600  # seconds one package-manager call may take, lock wait included
QUERY_TIMEOUT = 300
_TAIL_LINES = 6


# --- arguments -------------------------------------------------------------------

def common_args(default_state="present"):
    # type: (str) -> Dict[str, Arg]
    """The arguments every package module takes (fresh Arg objects per module)."""
    return {
        "name": Arg(list, aliases=("pkg", "package"), elements=str,
                    doc="Package name(s): a string, a comma-separated string or a list; "
                        "a version pin in the manager's syntax (apt: pkg=1.0, dnf: pkg-1.0). "
                        "A list is installed in one package-manager call."),
        "state": Arg(str, default=default_state, choices=STATES,
                     doc="present (installed, any version), latest (installed and upgraded), "
                         "absent (removed); installed and removed are synonyms."),
        "update_cache": Arg(bool, default=False, aliases=("update-cache",),
                            doc="Refresh the package index first. As Ansible counts it, "
                                "the refresh is a change only when no package is named "
                                "(dnf/yum: never)."),
        "lock_timeout": Arg(int, default=60,
                            doc="Seconds to wait for the package manager's lock held by "
                                "another process before failing."),
    }


def requested(args):
    # type: (Mapping[str, Any]) -> Tuple[str, List[str]]
    """(state, specs): the state with synonyms folded, names split and de-duplicated.

    A local package file (apt's ``deb``) is one more spec: its path.
    """
    state = str(args.get("state") or "present")
    state = _STATE_SYNONYMS.get(state, state)
    specs = split_names(args.get("name")) + split_names(args.get("deb"))
    options = [s for s in specs if s.startswith("-")]
    if options:
        raise ModuleError("package names cannot start with '-' (%s); the package manager "
                          "would read them as options" % ", ".join(options))
    return state, specs


def split_names(value):
    # type: (Any) -> List[str]
    """A string, comma list or list of them, as a flat list without blanks or repeats."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    found = []  # type: List[str]
    for item in items:
        for word in str(item).split(","):
            word = word.strip()
            if word and word not in found:
                found.append(word)
    return found


# --- what is installed ---------------------------------------------------------------

class Installed(object):
    """What the package database says about one requested spec."""

    def __init__(self, name, version=None, wanted=None, residue=False, satisfied=None):
        # type: (str, Optional[str], Optional[str], bool, Optional[bool]) -> None
        self.name = name  # the package name (the spec without its pin)
        self.version = version  # installed version, None if not installed
        self.wanted = wanted  # the pinned version, None if no pin
        self.residue = residue  # not installed, but config files remain (apt: rc)
        self.satisfied = satisfied  # the database's own verdict on the pin (rpm -q name-1.0)

    @property
    def matches(self):
        # type: () -> bool
        """Installed, and at the pinned version if there is a pin (a * pin is a glob)."""
        if self.satisfied is not None:
            return self.satisfied
        if self.version is None:
            return False
        return self.wanted is None or version_matches(self.version, self.wanted)

    def __repr__(self):
        # type: () -> str
        return "Installed(%r, %r, %r, %r)" % (self.name, self.version, self.wanted, self.residue)


def version_matches(version, wanted):
    # type: (str, str) -> bool
    if "*" in wanted or "?" in wanted:
        return fnmatch.fnmatchcase(version, wanted)
    return version == wanted or version.split(":", 1)[-1] == wanted


def pick_targets(state, specs, installed, purge=False):
    # type: (str, List[str], Mapping[str, Installed], bool) -> List[str]
    """The specs the manager must act on; the others are already as wanted."""
    if state == "absent":
        return [s for s in specs if installed[s].matches or (purge and installed[s].residue
                                                              and installed[s].wanted is None)]
    if state == "latest":
        pinned = [s for s in specs if installed[s].wanted is not None]
        if pinned:
            raise ModuleError("state=latest cannot be combined with a version pin (%s); use "
                              "state=present to install that version" % ", ".join(pinned))
        return list(specs)
    return [s for s in specs if not installed[s].matches]


# --- inspect / plan / apply for any backend ------------------------------------------

def inspect(ctx, args, backend):
    # type: (Any, Mapping[str, Any], Any) -> Dict[str, Any]
    """Read the host: the cache age, the database (one query), the manager's simulation."""
    state, specs = requested(args)
    if not specs and not (args.get("update_cache") or args.get("cache_valid_time")
                          or args.get("autoremove") or upgrading(args) or args.get("clean")
                          or args.get("autoclean")):
        raise ModuleError("nothing to do: give name (the packages to manage)%s or "
                          "update_cache: true" % (", deb" if "deb" in args else ""))
    if args.get("deb") and state != "present":
        raise ModuleError("deb installs a package file; it works only with state=present")
    current = inspect_packages(args, backend, act=not ctx.check)
    current["cache_stale"] = backend.cache_stale(args)
    cache_time = getattr(backend, "cache_time", None)
    current["cache_time"] = cache_time() if cache_time is not None else None
    housework = getattr(backend, "housework", None)
    current["housework"] = housework(args) if housework is not None else []
    return current


def upgrading(args):
    # type: (Mapping[str, Any]) -> bool
    """apt's ``upgrade`` (yes, safe, full, dist): upgrade every installed package."""
    return args.get("upgrade") not in (None, "no")


def inspect_packages(args, backend, act=False):
    # type: (Mapping[str, Any], Any, bool) -> Dict[str, Any]
    """The database's answer for the specs and the transaction they need: simulated, or,
    when ``act`` (not check mode) and the database decides it, the expected rows only
    (``direct``: apply reads the real rows from the transaction it runs)."""
    state, specs = requested(args)
    if upgrading(args):  # as in Ansible, the upgrade is the task: names are not used
        return {"state": state, "specs": [], "installed": {}, "op": "upgrade", "targets": [],
                "transaction": backend.simulate("upgrade", [], {}, args)}
    installed = backend.query(specs, args) if specs else {}
    targets = pick_targets(state, specs, installed, bool(args.get("purge")))
    if args.get("only_upgrade"):
        targets = [t for t in targets if installed[t].version is not None]
    op = {"present": "install", "latest": "latest", "absent": "remove"}[state]
    if not targets and not _extra_work(args, state):
        return {"state": state, "specs": specs, "installed": installed, "op": op,
                "targets": [], "transaction": []}
    newest = getattr(backend, "newest", None)
    if op == "latest" and newest is not None and newest(targets, installed, args):
        return {"state": state, "specs": specs, "installed": installed, "op": op,
                "targets": targets, "transaction": []}
    if act and acts_directly(op, targets, installed, args, backend):
        return {"state": state, "specs": specs, "installed": installed, "op": op,
                "targets": targets, "transaction": expected(op, targets, installed, args),
                "direct": True}
    transaction = backend.simulate(op, targets, installed, args)
    return {"state": state, "specs": specs, "installed": installed, "op": op,
            "targets": targets, "transaction": transaction}


def acts_directly(op, targets, installed, args, backend):
    # type: (str, List[str], Mapping[str, Installed], Mapping[str, Any], Any) -> bool
    """Whether the database alone decides the plan: installing packages none of which is
    installed (latest too), or removing installed ones. An installed package whose version
    would move (a pin, latest, a .deb) asks the resolver first: it may refuse a downgrade,
    or have nothing newer."""
    if getattr(backend, "snapshot", None) is None or _extra_work(args, op):
        return False
    if op in ("install", "latest"):
        return all(installed[t].version is None for t in targets)
    return op == "remove"


def expected(op, targets, installed, args):
    # type: (str, List[str], Mapping[str, Installed], Mapping[str, Any]) -> List[Tuple[str, Any, Any]]
    """The rows the transaction is expected to have, dependencies unknown until it ran."""
    if op == "remove":
        after = "purged" if args.get("purge") else ABSENT
        return [(installed[t].name, installed[t].version or ABSENT, after) for t in targets]
    return [(installed[t].name, ABSENT, installed[t].wanted or "installed") for t in targets]


def snapshot_changes(before, after, gone=ABSENT):
    # type: (Mapping[str, Optional[str]], Mapping[str, Optional[str]], str) -> List[Tuple[str, Any, Any]]
    """(name, before, after) rows between two ``snapshot()``s, by name.

    A version is installed, ``None`` config files only (apt's residue); a package that
    left the database became ``gone``, one that became residue ``ABSENT``.
    """
    rows = []  # type: List[Tuple[str, Any, Any]]
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        was = old if old is not None else ABSENT
        if new is not None:
            if new != was:
                rows.append((name, was, new))
        elif name not in after and name in before:
            rows.append((name, was, gone))
        elif old is not None:
            rows.append((name, was, ABSENT))
    return rows


def _extra_work(args, state):
    # type: (Mapping[str, Any], str) -> bool
    """autoremove without names still asks the manager (apt-get autoremove)."""
    return bool(args.get("autoremove")) and not args.get("name")


def plan(ctx, args, current, backend):
    # type: (Any, Mapping[str, Any], Dict[str, Any], Any) -> Plan
    """Pure: one Change per package the manager would touch, before and after.

    Refreshing the index is a change only when no package is named (as Ansible
    counts it; never for dnf, ``refresh_is_change``); with packages it is upkeep:
    done, but the task changes only if packages do.
    """
    changes = [Change(n, b, a) for n, b, a in current["transaction"]]
    data = {"pkg_mgr": backend.name, "packages": package_rows(current["transaction"]),
            "commands": [], "cache_updated": False}
    if current.get("cache_time") is not None:
        data["cache_update_time"] = current["cache_time"]
    refresh_counts = current["cache_stale"] and not current["specs"] and getattr(
        backend, "refresh_is_change", True)
    if refresh_counts:
        changes.insert(0, Change("%s cache" % backend.name, "stale", "updated"))
    upkeep = ["update the %s cache" % backend.name] if current["cache_stale"] else []
    for what, before, after, _argv in current["housework"]:
        if before is None:
            upkeep.append(what)
        else:
            changes.append(Change(what, before, after))
    state = {"update_cache": current["cache_stale"], "current": current}
    if not changes:
        return Plan(reason=already_message(current), data=data, upkeep=upkeep, state=state)
    words = describe(current["transaction"]) + [
        "run %s" % _short(argv) for _w, before, _a, argv in current["housework"] if before is not None]
    if current["cache_stale"]:
        words = ["update the %s cache" % backend.name] + words
    if ctx.check and current["cache_stale"]:
        data["cache_updated"] = True  # Ansible says so in check mode too
    return Plan(changes, data=data, msg="would " + "; ".join(words), state=state)


def apply(ctx, args, plan, backend):
    # type: (Any, Mapping[str, Any], Plan, Any) -> Dict[str, Any]
    """Refresh the cache if planned (then look again: versions may have moved), act, report."""
    current = plan.state["current"]
    upkeep_only = not plan.changes
    ran = []  # type: List[Ran]
    data = {"cache_updated": False}  # type: Dict[str, Any]
    if plan.state["update_cache"]:
        current = _refresh(args, plan, backend, ran, data)
    if current.get("direct"):
        rows, done = _transact(current, args, backend)
        ran.extend(done)
        _replan(plan, current["transaction"], rows)
        current = dict(current, transaction=rows)
    elif current["transaction"]:
        ran.extend(backend.execute(current["op"], current["targets"], current["installed"], args))
    for _what, _before, _after, argv in current["housework"]:
        ran.append(run(argv, env=getattr(backend, "env", None)))
    words = describe(current["transaction"], past=True)
    words += ["ran %s" % _short(argv) for _w, _b, _a, argv in current["housework"]]
    if data["cache_updated"]:
        words = ["updated the %s cache" % backend.name] + (words or [already_message(current)])
    data.update(ran_data(ran))
    data.update(packages=package_rows(current["transaction"]), summary="; ".join(words))
    if upkeep_only:
        data["changed"] = bool(current["transaction"])
        if not words:
            data["summary"] = already_message(current)
    cache_only = bool(plan.changes) and all(c.what.endswith(" cache") for c in plan.changes)
    if cache_only and not data["cache_updated"] and not current["transaction"] \
            and not current["housework"]:
        data["_unchanged"] = True  # refreshed, but the index did not move: not a change
        data["summary"] = "the %s cache is up to date" % backend.name
    elif not plan.changes and not upkeep_only:  # the transaction changed nothing after all
        data["_unchanged"] = True
        data["summary"] = data["summary"] or already_message(current)
    return data


def _refresh(args, plan, backend, ran, data):
    # type: (Mapping[str, Any], Plan, Any, List[Ran], Dict[str, Any]) -> Dict[str, Any]
    """Refresh the index, then look again (versions may have moved) and replan; the
    refresh goes to ``ran``, ``cache_updated`` (did the index move?) to ``data``."""
    current = plan.state["current"]
    stamp = getattr(backend, "cache_stamp", None)
    before = stamp() if stamp is not None else None
    ran.append(backend.update_cache(args))
    fresh = before is None or stamp is None or stamp() != before  # the index moved
    data.update(cache_updated=fresh, cache_update_time=int(time.time()))
    again = dict(inspect_packages(args, backend, act=True), housework=current["housework"])
    _replan(plan, current["transaction"], again["transaction"])
    return again


def _transact(current, args, backend):
    # type: (Dict[str, Any], Mapping[str, Any], Any) -> Tuple[List[Tuple[str, Any, Any]], List[Ran]]
    """The one real transaction of a direct plan: (what changed, read from the database
    before and after it, dependencies included; the commands run)."""
    before = backend.snapshot()
    ran = backend.execute(current["op"], current["targets"], current["installed"], args)
    gone = "purged" if args.get("purge") else ABSENT
    return snapshot_changes(before, backend.snapshot(), gone), ran


def _replan(plan, planned, transaction):
    # type: (Plan, Sequence[Tuple[str, Any, Any]], Sequence[Tuple[str, Any, Any]]) -> None
    """The plan's package changes as the fresh index or the transaction has them (cache
    and housework kept): ``planned`` rows out, ``transaction`` rows in."""
    old = set(n for n, _b, _a in planned)
    kept = [c for c in plan.changes if c.what not in old]
    plan.changes[:] = ([c for c in kept if c.what.endswith(" cache")]
                       + [Change(n, b, a) for n, b, a in transaction]
                       + [c for c in kept if not c.what.endswith(" cache")])


def _short(argv):
    # type: (Sequence[str]) -> str
    """``apt-get clean`` of a housework command line (its program and verb)."""
    return "%s %s" % (argv[0], argv[-1])


def package_rows(transaction):
    # type: (Sequence[Tuple[str, Any, Any]]) -> List[Dict[str, Any]]
    """The transaction for ``register``: [{"name", "before", "after"}]."""
    return [{"name": n, "before": b, "after": a} for n, b, a in transaction]


# --- messages ------------------------------------------------------------------------

def describe(transaction, past=False):
    # type: (Sequence[Tuple[str, Optional[str], Optional[str]]], bool) -> List[str]
    """["install a 1.0, b 2.0", "upgrade c 1.0 -> 2.0", "remove d 1.0"] (or installed, …)."""
    groups = {}  # type: Dict[str, List[str]]
    for name, before, after in transaction:
        verb, text = _verb(name, before, after)
        groups.setdefault(verb, []).append(text)
    order = ("install", "upgrade", "downgrade", "reinstall", "remove", "purge")
    tenses = {"install": "installed", "upgrade": "upgraded", "downgrade": "downgraded",
              "reinstall": "reinstalled", "remove": "removed", "purge": "purged"}
    return ["%s %s" % (tenses[v] if past else v, ", ".join(groups[v])) for v in order if v in groups]


def _verb(name, before, after):
    # type: (str, Optional[str], Optional[str]) -> Tuple[str, str]
    if after == "purged":
        return "purge", _named(name, before)
    if after in (ABSENT, None):
        return "remove", _named(name, before)
    if before in (ABSENT, None):
        return "install", _named(name, after)
    if before == after or before == "installed":
        return "reinstall", _named(name, after)
    if before and after and compare_versions(after, before) < 0:
        return "downgrade", "%s %s -> %s" % (name, before, after)
    return "upgrade", "%s %s -> %s" % (name, before, after)


def _named(name, version):
    # type: (str, Optional[str]) -> str
    return name if version in (None, ABSENT, "installed", "purged") else "%s %s" % (name, version)


def already_message(current):
    # type: (Dict[str, Any]) -> str
    """Why nothing changes: "corral-demo 1.0 already installed", "nginx is not installed"."""
    state, specs, installed = current["state"], current["specs"], current["installed"]
    if not specs:
        return "nothing to do"
    if state == "absent":
        return "%s %s not installed" % (", ".join(specs), "is" if len(specs) == 1 else "are")
    parts = []
    for spec in specs:
        info = installed[spec]
        parts.append(_named(info.name, info.version) if info.version else spec)
    several = len(parts) > 1
    if state == "present":
        tail = "already installed"
        if current["targets"]:
            tail += " (provided by installed packages)"
    else:
        tail = "are already the latest versions" if several else "is already the latest version"
    return "%s %s" % (", ".join(parts), tail)


def compare_versions(left, right):
    # type: (str, str) -> int
    """A rough version order (digits numerically, else text) for wording only."""
    def key(text):
        # type: (str) -> List[Tuple[int, Any]]
        parts = []  # type: List[Tuple[int, Any]]
        for chunk in _chunks(text):
            parts.append((1, int(chunk)) if chunk.isdigit() else (0, chunk))
        return parts
    a, b = key(left), key(right)
    return (a > b) - (a < b)


def _chunks(text):
    # type: (str) -> List[str]
    chunks, word = [], ""
    for char in text:
        if word and char.isdigit() != word[-1].isdigit():
            chunks.append(word)
            word = ""
        if char.isalnum():
            word += char
        elif word:
            chunks.append(word)
            word = ""
    return chunks + ([word] if word else [])


# --- running the manager ---------------------------------------------------------------

class Ran(object):
    """One finished package-manager command."""

    def __init__(self, argv, rc, stdout, stderr):
        # type: (List[str], int, str, str) -> None
        self.argv = argv
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr

    @property
    def cmd(self):
        # type: () -> str
        return " ".join(self.argv)


def run(argv, env=None, timeout=COMMAND_TIMEOUT, lock_timeout=0, lock_markers=(), ok_codes=(0,),
        check=True):
    # type: (List[str], Optional[Mapping[str, str]], float, float, Sequence[str], Sequence[int], bool) -> Ran
    """Run ``argv`` (C locale, no stdin); retry with back-off while the lock is held.

    A failure whose output contains one of ``lock_markers`` is retried until
    ``lock_timeout`` seconds have passed. Any other failure (rc not in
    ``ok_codes``) raises ModuleError with the manager's last lines, unless
    ``check`` is false.
    """
    deadline = time.monotonic() + max(0, lock_timeout)
    delay = 0.5
    while True:
        done = _run_once(argv, env, timeout)
        locked = done.rc not in ok_codes and any(
            m in done.stderr or m in done.stdout for m in lock_markers)
        if not locked or time.monotonic() >= deadline:
            break
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 5.0)
    if check and done.rc not in ok_codes:
        raise failure(done, "the lock was still held after %ds" % lock_timeout if locked else "")
    return done


def _run_once(argv, env, timeout):
    # type: (List[str], Optional[Mapping[str, str]], float) -> Ran
    full_env = dict(os.environ)
    full_env.update({"LC_ALL": "C", "LANG": "C", "LANGUAGE": ""})
    full_env.update(env or {})
    try:  # a session of its own: a cancel stops all it started (the agent kills the group)
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=full_env, timeout=timeout,
                              start_new_session=True)
    except FileNotFoundError as exc:
        raise ModuleError("%s: command not found on this host" % argv[0], rc=127) from exc
    except subprocess.TimeoutExpired as exc:
        raise ModuleError("%s did not finish within %ds and was killed" % (
            " ".join(argv), timeout), cmd=" ".join(argv)) from exc
    return Ran(list(argv), proc.returncode, drop_progress(proc.stdout.decode("utf-8", "replace")),
               drop_progress(proc.stderr.decode("utf-8", "replace")))


def drop_progress(text):
    # type: (str) -> str
    """Keep what a terminal would show of each line: the part after its last carriage return."""
    if "\r" not in text:
        return text
    lines = [line.rstrip("\r").rpartition("\r")[2] for line in text.split("\n")]
    return "\n".join(lines)


def failure(done, note=""):
    # type: (Ran, str) -> ModuleError
    """The manager's own words: the last lines of stderr (or stdout), and the command."""
    text = done.stderr.strip() or done.stdout.strip()
    tail = "\n".join(text.splitlines()[-_TAIL_LINES:]) or "(no output)"
    prefix = "%s failed (rc=%d%s): " % (done.argv[0], done.rc, "; " + note if note else "")
    return ModuleError(prefix + tail, rc=done.rc, cmd=done.cmd, stdout=done.stdout,
                       stderr=done.stderr, stdout_lines=done.stdout.splitlines(),
                       stderr_lines=done.stderr.splitlines())


def ran_data(ran):
    # type: (Sequence[Ran]) -> Dict[str, Any]
    """Ansible's result keys from the commands run (output of all, rc of the last)."""
    stdout = "".join(r.stdout for r in ran)
    stderr = "".join(r.stderr for r in ran)
    return {"rc": ran[-1].rc if ran else 0, "stdout": stdout, "stderr": stderr,
            "stdout_lines": stdout.splitlines(), "stderr_lines": stderr.splitlines(),
            "commands": [r.cmd for r in ran]}


def entry_points(backend):
    # type: (Any) -> Tuple[Any, Any, Any]
    """A package module's ``inspect, plan, apply`` for one backend."""
    def inspect_entry(ctx, args):
        # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
        return inspect(ctx, args, backend)

    def plan_entry(ctx, args, current):
        # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
        return plan(ctx, args, current, backend)

    def apply_entry(ctx, args, planned):
        # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
        return apply(ctx, args, planned, backend)
    return inspect_entry, plan_entry, apply_entry
