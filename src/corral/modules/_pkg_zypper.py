"""The zypper backend (SUSE): rpm -q to look, zypper --dry-run (XML) to plan, zypper to act.

Stdlib only, Python 3.8 syntax. Used by the ``zypper`` and ``package``
modules through ``_pkg_common``. zypper waits for its lock for
``ZYPP_LOCK_TIMEOUT`` seconds; its XML output (``--xmlout``) is what is parsed.
"""

import xml.etree.ElementTree as ElementTree

from corral.modules._api import Arg, ModuleError
from corral.modules._pkg_common import ABSENT, Installed, failure, run
from corral.modules._pkg_rpm import rpm_query, rpm_snapshot

REQUIRES = ('_pkg_common', '_pkg_rpm')

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401 (type comments)

ARGS = {
    "disable_gpg_check": Arg(bool, default=False, doc="Do not check package signatures."),
    "disable_recommends": Arg(bool, default=True, doc="Do not install recommended packages."),
    "force": Arg(bool, default=False, doc="Allow downgrades and reinstalls (--force)."),
    "oldpackage": Arg(bool, default=False, doc="Allow installing an older version "
                                               "(--oldpackage); implied by a version pin."),
    "autoremove": Arg(bool, default=False, doc="state=absent: also remove dependencies "
                                               "nothing needs any more (--clean-deps)."),
}

LOCK_MARKERS = ("System management is locked",)
# zypper's informational exit codes: 100 updates needed, 102 reboot, 103 restart zypper, 106 repos skipped
OK_CODES = (0, 100, 101, 102, 103, 106)
_SECTIONS = (("to-install", "install"), ("to-upgrade", "upgrade"),
             ("to-downgrade", "downgrade"), ("to-reinstall", "reinstall"),
             ("to-remove", "remove"))


class Zypper(object):
    name = "zypper"

    def query(self, specs, args):
        # type: (List[str], Mapping[str, Any]) -> Dict[str, Installed]
        """One ``rpm -q`` for every name; a pin ``name=1.0`` matches 1.0-<any release>."""
        wanted = dict((s, split_pin(s)) for s in specs)
        answers = rpm_query(sorted(set(name for name, _ in wanted.values())))
        found = {}  # type: Dict[str, Installed]
        for spec, (name, version) in wanted.items():
            answer = answers[name]
            pin = version if version is None or "-" in version else version + "-*"
            found[spec] = Installed(name, answer[1] if answer else None, pin)
        return found

    def snapshot(self):
        # type: () -> Dict[str, Optional[str]]
        return rpm_snapshot()

    def simulate(self, op, targets, installed, args):
        # type: (str, List[str], Mapping[str, Installed], Mapping[str, Any]) -> List[Tuple[str, Any, Any]]
        done = run(self.command(op, targets, args, simulate=True), check=False)
        if done.rc not in OK_CODES:
            raise zypper_failure(done)
        return parse_xml_summary(done.stdout)

    def execute(self, op, targets, installed, args):
        # type: (str, List[str], Mapping[str, Installed], Mapping[str, Any]) -> List[Any]
        done = run(self.command(op, targets, args), env=_env(args), ok_codes=OK_CODES,
                   check=False, lock_timeout=_lock(args), lock_markers=LOCK_MARKERS)
        if done.rc not in OK_CODES:
            raise zypper_failure(done)
        return [done]

    def cache_stale(self, args):
        # type: (Mapping[str, Any]) -> bool
        return bool(args.get("update_cache"))

    def update_cache(self, args):
        # type: (Mapping[str, Any]) -> Any
        return run(["zypper", "--non-interactive", "refresh"], env=_env(args), ok_codes=OK_CODES,
                   lock_timeout=_lock(args), lock_markers=LOCK_MARKERS)

    def command(self, op, targets, args, simulate=False):
        # type: (str, List[str], Mapping[str, Any], bool) -> List[str]
        argv = ["zypper", "--non-interactive", "--xmlout"]
        if args.get("disable_gpg_check"):
            argv.append("--no-gpg-checks")
        if op == "remove":
            argv += ["remove"] + (["--clean-deps"] if args.get("autoremove") else [])
        else:
            argv += ["install", "--auto-agree-with-licenses"]
            if args.get("disable_recommends", True):
                argv.append("--no-recommends")
            if args.get("force"):
                argv.append("--force")
            if args.get("oldpackage") or any("=" in t for t in targets):
                argv.append("--oldpackage")  # else zypper skips a pin below the installed version
        return argv + (["--dry-run"] if simulate else []) + targets


def _env(args):
    # type: (Mapping[str, Any]) -> Dict[str, str]
    return {"ZYPP_LOCK_TIMEOUT": str(_lock(args))}


def _lock(args):
    # type: (Mapping[str, Any]) -> int
    value = args.get("lock_timeout")
    return 60 if value is None else int(value)


def split_pin(spec):
    # type: (str) -> Tuple[str, Optional[str]]
    """``vim=9.0`` -> (vim, 9.0); comparisons (``vim>=9``) are zypper's: never pinned here."""
    for op in (">=", "<=", ">", "<"):
        if op in spec:
            raise ModuleError("zypper: only exact pins (name=version) are supported, not %r" % spec)
    name, sep, version = spec.partition("=")
    return name, (version if sep else None)


def parse_xml_summary(text):
    # type: (str) -> List[Tuple[str, Any, Any]]
    """(name, before, after) from ``<install-summary>`` in zypper's XML output."""
    root = _xml(text)
    summary = root.find(".//install-summary") if root is not None else None
    rows = []  # type: List[Tuple[str, Any, Any]]
    if summary is None:
        return rows
    for tag, kind in _SECTIONS:
        for section in summary.findall(tag):
            for item in section.findall("solvable"):
                if item.get("type", "package") != "package":
                    continue
                rows.append(_row(kind, item.get("name", "?"), item.get("edition"),
                                 item.get("edition-old")))
    return rows


def _row(kind, name, edition, old):
    # type: (str, str, Optional[str], Optional[str]) -> Tuple[str, Any, Any]
    if kind == "install":
        return (name, ABSENT, edition)
    if kind == "remove":
        return (name, edition, ABSENT)
    return (name, old or ("installed" if kind != "reinstall" else edition), edition)


def _xml(text):
    # type: (str) -> Any
    start = text.find("<?xml")
    if start < 0:
        start = text.find("<stream")
    try:
        return ElementTree.fromstring(text[max(start, 0):])
    except ElementTree.ParseError:
        return None


def error_messages(text):
    # type: (str) -> List[str]
    """The ``<message type="error">`` texts of zypper's XML output."""
    root = _xml(text)
    if root is None:
        return []
    return [m.text.strip() for m in root.iter("message")
            if m.get("type") == "error" and m.text and m.text.strip()]


def zypper_failure(done):
    # type: (Any) -> ModuleError
    """The manager's own error messages (from the XML), else the last lines."""
    messages = error_messages(done.stdout)
    if not messages:
        return failure(done)
    error = failure(done)
    error.msg = "zypper failed (rc=%d): %s" % (done.rc, "; ".join(messages))
    error.args = (error.msg,)
    return error
