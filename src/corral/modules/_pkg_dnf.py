"""The dnf backend (Fedora, RHEL 8+, and yum on older hosts): rpm -q, --assumeno, dnf.

Stdlib only, Python 3.8 syntax. Used by the ``dnf``, ``yum`` and ``package``
modules through ``_pkg_common``. The plan is dnf's own transaction table,
printed by ``dnf install --assumeno`` (dnf 4 and dnf 5 layouts, and yum's).
"""

import shutil

from corral.modules._api import Arg, ModuleError
from corral.modules._pkg_common import ABSENT, Installed, failure, run
from corral.modules._pkg_rpm import installed_fields, pin_names, rpm_query, rpm_snapshot

REQUIRES = ('_pkg_common', '_pkg_rpm')

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401 (type comments)

ARGS = {
    "autoremove": Arg(bool, default=False, doc="Without name: remove dependencies nothing "
                                               "needs any more (dnf autoremove)."),
    "enablerepo": Arg(list, default=[], elements=str, doc="Repositories to enable for this "
                                                          "run (ids or globs)."),
    "disablerepo": Arg(list, default=[], elements=str, doc="Repositories to disable for "
                                                           "this run."),
    "disable_gpg_check": Arg(bool, default=False, doc="Do not check package signatures."),
    "allow_downgrade": Arg(bool, default=False, doc="Allow a version pin to install an "
                                                    "older version."),
    "install_weak_deps": Arg(bool, default=True, doc="Install weak dependencies "
                                                     "(Recommends)."),
}

LOCK_MARKERS = ("Failed to obtain rpm transaction lock", "Existing lock ",
                "another copy is running", "Waiting for process with pid")
_ABORTED = ("Operation aborted", "Exiting on user command")
# table headers (lowercase prefixes) -> what the rows under them do
_SECTIONS = (("installing", "install"), ("upgrading", "upgrade"), ("updating", "upgrade"),
             ("downgrading", "downgrade"), ("reinstalling", "reinstall"),
             ("removing", "remove"), ("erasing", "remove"))


class Dnf(object):
    """dnf, or yum: the same command line and output. ``command=None``: dnf if the host has it."""

    refresh_is_change = False  # Ansible's dnf: "Cache updated" is never a change

    def __init__(self, command=None):
        # type: (Optional[str]) -> None
        self._command = command

    @property
    def command(self):
        # type: () -> str
        if self._command is None:
            self._command = "yum" if shutil.which("yum") and not shutil.which("dnf") else "dnf"
        return self._command

    @property
    def name(self):
        # type: () -> str
        return self.command

    def query(self, specs, args):
        # type: (List[str], Mapping[str, Any]) -> Dict[str, Installed]
        """One ``rpm -q`` for the specs and the names inside pins (``pkg-1.0`` -> ``pkg``),
        so a pin to another version than the installed one knows what it replaces."""
        names = dict((spec, pin_names(spec)) for spec in specs)
        queries = list(specs)
        for spec in specs:
            queries += [n for n in names[spec] if n not in queries]
        answers = rpm_query(queries)
        found = {}  # type: Dict[str, Installed]
        for spec in specs:
            other = next((answers[n] for n in names[spec] if answers[n]), None)
            if answers[spec] is None and other is not None:
                found[spec] = Installed(other[0], other[1], spec, satisfied=False)
                continue
            name, version, pin = installed_fields(spec, answers[spec])
            found[spec] = Installed(name, version, pin, satisfied=version is not None)
        return found

    def snapshot(self):
        # type: () -> Dict[str, Optional[str]]
        return rpm_snapshot()

    def simulate(self, op, targets, installed, args):
        # type: (str, List[str], Mapping[str, Installed], Mapping[str, Any]) -> List[Tuple[str, Any, Any]]
        rows = []  # type: List[Tuple[str, Any, Any]]
        for argv in self.commands(op, targets, installed, args, simulate=True):
            done = run(argv, check=False)
            text = done.stdout + done.stderr
            if done.rc != 0 and not any(word in text for word in _ABORTED):
                raise failure(done)
            if "\nDowngrading:" in done.stdout and not args.get("allow_downgrade"):
                raise ModuleError("%s would downgrade packages; set allow_downgrade: true to "
                                  "allow it" % self.command, stdout=done.stdout)
            rows.extend(parse_transaction(done.stdout, installed))
        return rows

    def execute(self, op, targets, installed, args):
        # type: (str, List[str], Mapping[str, Installed], Mapping[str, Any]) -> List[Any]
        return [run(argv, lock_timeout=_lock(args), lock_markers=LOCK_MARKERS)
                for argv in self.commands(op, targets, installed, args)]

    def cache_stale(self, args):
        # type: (Mapping[str, Any]) -> bool
        return bool(args.get("update_cache"))

    def update_cache(self, args):
        # type: (Mapping[str, Any]) -> Any
        argv = [self.command, "-y"] + self.options(args) + ["makecache"]
        return run(argv, lock_timeout=_lock(args), lock_markers=LOCK_MARKERS)

    def options(self, args):
        # type: (Mapping[str, Any]) -> List[str]
        argv = []  # type: List[str]
        if self.command == "yum":
            argv.append("--setopt=exit_on_lock=True")  # else yum waits for the lock forever
        for repo in args.get("disablerepo") or ():
            argv.append("--disablerepo=%s" % repo)
        for repo in args.get("enablerepo") or ():
            argv.append("--enablerepo=%s" % repo)
        if args.get("disable_gpg_check"):
            argv.append("--nogpgcheck")
        if args.get("install_weak_deps") is False:
            argv.append("--setopt=install_weak_deps=False")
        return argv

    def commands(self, op, targets, installed, args, simulate=False):
        # type: (str, List[str], Mapping[str, Installed], Mapping[str, Any], bool) -> List[List[str]]
        """One command per verb: latest needs upgrade for installed and install for the rest."""
        base = [self.command, "--assumeno" if simulate else "-y"] + self.options(args)
        if op == "remove":
            return [base + (["remove"] + targets if targets else ["autoremove"])]
        if not targets:
            return [base + ["autoremove"]]
        if op == "install":
            return [base + ["install"] + targets]
        upgrade = [t for t in targets if installed[t].version is not None]
        fresh = [t for t in targets if installed[t].version is None]
        return ([base + ["install"] + fresh] if fresh else []) + \
               ([base + ["upgrade"] + upgrade] if upgrade else [])


def _lock(args):
    # type: (Mapping[str, Any]) -> int
    value = args.get("lock_timeout")
    return 30 if value is None else int(value)


def parse_transaction(text, installed=None):
    # type: (str, Optional[Mapping[str, Installed]]) -> List[Tuple[str, Any, Any]]
    """(name, before, after) from dnf's (or yum's) transaction table.

    Rows sit under headers like "Installing:", "Upgrading:", "Removing unused
    dependencies:"; a long name wraps onto its own line; dnf 5 lists the old
    version of an upgrade on a "replacing" line, dnf 4 does not (the version
    from the rpm query, else "installed").
    """
    known = dict((i.name, i.version) for i in (installed or {}).values() if i.version)
    rows = []  # type: List[Tuple[str, Any, Any]]
    section, pending = None, []  # type: Optional[str], List[str]
    for line in text.splitlines():
        if not line.startswith(" "):
            section, pending = _section(line), []
            continue
        words = pending + line.split()
        if not words or section is None:
            continue
        if words[0] == "replacing":
            _set_before(rows, words)
            continue
        if len(words) < 4:
            pending = words
            continue
        pending = []
        rows.append(_row(section, words[0], words[2], known))
    return rows


def _section(line):
    # type: (str) -> Optional[str]
    header = line.strip().lower()
    if not header.endswith(":") or "module" in header:
        return None
    for prefix, kind in _SECTIONS:
        if header.startswith(prefix):
            return kind
    return None


def _row(section, name, version, known):
    # type: (str, str, str, Mapping[str, Any]) -> Tuple[str, Any, Any]
    if section == "install":
        return (name, ABSENT, version)
    if section == "remove":
        return (name, version, ABSENT)
    if section == "reinstall":
        return (name, version, version)
    return (name, known.get(name, "installed"), version)


def _set_before(rows, words):
    # type: (List[Tuple[str, Any, Any]], List[str]) -> None
    """dnf 5: "replacing NAME ARCH OLD-VERSION REPO SIZE" under the upgraded row."""
    if rows and len(words) >= 4 and words[1] == rows[-1][0]:
        name, _, after = rows[-1]
        rows[-1] = (name, words[3], after)

