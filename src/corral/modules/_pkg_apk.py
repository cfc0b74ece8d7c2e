"""The apk backend (Alpine): apk info to look, apk --simulate to plan, apk add/del to act.

Stdlib only, Python 3.8 syntax. Used by the ``apk`` and ``package`` modules
through ``_pkg_common``. The lock is waited for with apk's own ``--wait``.
"""

import re

from corral.modules._api import Arg
from corral.modules._pkg_common import ABSENT, Installed, failure, run

REQUIRES = ('_pkg_common',)

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401 (type comments)

ARGS = {
    "no_cache": Arg(bool, default=False, doc="Do not use or keep a local index cache "
                                             "(apk --no-cache)."),
    "repository": Arg(list, default=[], elements=str, doc="Extra repositories to use "
                                                          "(apk --repository)."),
    "available": Arg(bool, default=False, doc="state=latest: also downgrade to what the "
                                              "repositories offer (apk --available)."),
}

LOCK_MARKERS = ("Unable to lock database", "unable to lock database")
# "name-1.2.3-r0": the version starts at the last "-" followed by a digit before -rN
_NAME_VERSION = re.compile(r"^(.+?)-(\d[^-]*-r\d+)$")
# "(1/2) Installing foo (1.0-r0)", "(2/2) Upgrading bar (1.0-r0 -> 1.1-r0)"
_STEP = re.compile(r"^\(\d+/\d+\)\s+(Installing|Upgrading|Downgrading|Replacing|Re-installing|"
                   r"Purging|Deleting)\s+(\S+)\s+\(([^)]*)\)")
_PIN = re.compile(r"^([^=<>~]+)(=|[<>~]=?|><)(.+)$")


class Apk(object):
    name = "apk"

    def query(self, specs, args):
        # type: (List[str], Mapping[str, Any]) -> Dict[str, Installed]
        """``apk info -v`` lists every installed package as name-version, in one call."""
        database = parse_info(run(["apk", "info", "-v"]).stdout)
        found = {}  # type: Dict[str, Installed]
        for spec in specs:
            name, op, version = split_pin(spec)
            found[spec] = Installed(name, database.get(name), version if op == "=" else None,
                                    satisfied=False if op not in (None, "=") else None)
        return found

    def simulate(self, op, targets, installed, args):
        # type: (str, List[str], Mapping[str, Installed], Mapping[str, Any]) -> List[Tuple[str, Any, Any]]
        done = run(self.command(op, targets, args, simulate=True), check=False)
        if done.rc != 0:
            raise failure(done)
        return parse_steps(done.stdout)

    def execute(self, op, targets, installed, args):
        # type: (str, List[str], Mapping[str, Installed], Mapping[str, Any]) -> List[Any]
        return [run(self.command(op, targets, args), lock_timeout=_lock(args),
                    lock_markers=LOCK_MARKERS)]

    def cache_stale(self, args):
        # type: (Mapping[str, Any]) -> bool
        return bool(args.get("update_cache"))

    def update_cache(self, args):
        # type: (Mapping[str, Any]) -> Any
        return run(self.base(args) + ["update"], lock_timeout=_lock(args),
                   lock_markers=LOCK_MARKERS)

    def base(self, args):
        # type: (Mapping[str, Any]) -> List[str]
        argv = ["apk", "--no-progress", "--wait", str(_lock(args))]
        if args.get("no_cache"):
            argv.append("--no-cache")
        for repo in args.get("repository") or ():
            argv += ["--repository", repo]
        return argv

    def command(self, op, targets, args, simulate=False):
        # type: (str, List[str], Mapping[str, Any], bool) -> List[str]
        argv = self.base(args) + (["--simulate"] if simulate else [])
        if op == "remove":
            return argv + ["del"] + targets
        if op == "latest":
            return argv + ["add", "--upgrade"] + (["--available"] if args.get("available") else []) + targets
        return argv + ["add"] + targets


def _lock(args):
    # type: (Mapping[str, Any]) -> int
    value = args.get("lock_timeout")
    return 60 if value is None else int(value)


def split_pin(spec):
    # type: (str) -> Tuple[str, Optional[str], Optional[str]]
    """``foo=1.2-r0`` -> (foo, "=", 1.2-r0); ``foo>1.2`` -> (foo, ">", 1.2); ``foo`` -> (foo, None, None)."""
    match = _PIN.match(spec)
    if match is None:
        return spec, None, None
    return match.group(1), match.group(2), match.group(3)


def parse_info(text):
    # type: (str) -> Dict[str, str]
    """{name: version} from ``apk info -v`` ("musl-1.2.4-r2" per line)."""
    found = {}  # type: Dict[str, str]
    for line in text.splitlines():
        match = _NAME_VERSION.match(line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


def parse_steps(text):
    # type: (str) -> List[Tuple[str, Any, Any]]
    """(name, before, after) from apk's "(1/2) Installing foo (1.0-r0)" lines."""
    rows = []  # type: List[Tuple[str, Any, Any]]
    for line in text.splitlines():
        match = _STEP.match(line.strip())
        if match is None:
            continue
        action, name, versions = match.groups()
        old, _, new = versions.partition(" -> ")
        if action == "Installing":
            rows.append((name, ABSENT, old))
        elif action in ("Purging", "Deleting"):
            rows.append((name, old, ABSENT))
        else:
            rows.append((name, old, new or old))
    return rows
