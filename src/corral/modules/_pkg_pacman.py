"""The pacman backend (Arch): pacman -Q to look, pacman --print to plan, -S/-R to act.

Stdlib only, Python 3.8 syntax. Used by the ``pacman`` and ``package`` modules
through ``_pkg_common``. pacman fails at once when its database lock is held;
``_pkg_common.run`` retries with back-off until ``lock_timeout``.
"""

from corral.modules._api import Arg, ModuleError
from corral.modules._pkg_common import ABSENT, Installed, failure, run

REQUIRES = ('_pkg_common',)

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401 (type comments)

ARGS = {
    "extra_args": Arg(str, default="", doc="More pacman options for install and upgrade."),
    "remove_nosave": Arg(bool, default=False, doc="state=absent: do not keep .pacsave "
                                                  "backups of changed config files (-n)."),
}

LOCK_MARKERS = ("unable to lock database",)
_PRINT = ["--print", "--print-format", "%n %v"]


class Pacman(object):
    name = "pacman"

    def query(self, specs, args):
        # type: (List[str], Mapping[str, Any]) -> Dict[str, Installed]
        """One ``pacman -Q`` for every name; missing ones are errors on stderr."""
        pinned = [s for s in specs if any(c in s for c in "=<>")]
        if pinned:
            raise ModuleError("pacman installs the repository's version; it cannot pin %s"
                              % ", ".join(pinned))
        database = parse_query(run(["pacman", "-Q"] + specs, ok_codes=(0, 1)).stdout)
        return dict((s, Installed(s, database.get(s))) for s in specs)

    def snapshot(self):
        # type: () -> Dict[str, Optional[str]]
        """Every installed package: {name: version} (``pacman -Q``; rc 1, silent: none)."""
        done = run(["pacman", "-Q"], ok_codes=(0, 1))
        if done.rc and done.stderr.strip():
            raise failure(done)
        return dict(parse_query(done.stdout))

    def simulate(self, op, targets, installed, args):
        # type: (str, List[str], Mapping[str, Installed], Mapping[str, Any]) -> List[Tuple[str, Any, Any]]
        done = run(self.command(op, targets, args, simulate=True), check=False)
        if done.rc != 0:
            raise failure(done)
        known = dict((i.name, i.version) for i in installed.values() if i.version)
        return parse_print(done.stdout, op == "remove", known)

    def execute(self, op, targets, installed, args):
        # type: (str, List[str], Mapping[str, Installed], Mapping[str, Any]) -> List[Any]
        return [run(self.command(op, targets, args), lock_timeout=_lock(args),
                    lock_markers=LOCK_MARKERS)]

    def cache_stale(self, args):
        # type: (Mapping[str, Any]) -> bool
        return bool(args.get("update_cache"))

    def update_cache(self, args):
        # type: (Mapping[str, Any]) -> Any
        return run(["pacman", "-Sy", "--noconfirm"], lock_timeout=_lock(args),
                   lock_markers=LOCK_MARKERS)

    def command(self, op, targets, args, simulate=False):
        # type: (str, List[str], Mapping[str, Any], bool) -> List[str]
        tail = _PRINT if simulate else ["--noconfirm", "--noprogressbar"]
        if op == "remove":
            flags = "-R" + ("s" if args.get("autoremove") else "") + \
                    ("n" if args.get("remove_nosave") else "")
            return ["pacman", flags] + tail + targets
        extra = str(args.get("extra_args") or "").split()
        return ["pacman", "-S", "--needed"] + extra + tail + targets


def _lock(args):
    # type: (Mapping[str, Any]) -> int
    value = args.get("lock_timeout")
    return 60 if value is None else int(value)


def parse_query(text):
    # type: (str) -> Dict[str, str]
    """{name: version} from ``pacman -Q`` ("bash 5.2.026-2" per line)."""
    found = {}  # type: Dict[str, str]
    for line in text.splitlines():
        words = line.split()
        if len(words) == 2:
            found[words[0]] = words[1]
    return found


def parse_print(text, removing, known):
    # type: (str, bool, Mapping[str, str]) -> List[Tuple[str, Any, Any]]
    """(name, before, after) from ``--print-format '%n %v'`` lines ("bash 5.2.026-2")."""
    rows = []  # type: List[Tuple[str, Any, Any]]
    for line in text.splitlines():
        words = line.split()
        if len(words) != 2 or line.startswith((":", "warning", "error")):
            continue
        name, version = words
        if removing:
            rows.append((name, version, ABSENT))
        else:
            rows.append((name, known.get(name, ABSENT), version))
    return rows
