"""package_facts: the packages installed on the host, as the fact ``packages``."""

import shutil
import subprocess

from corral.modules._api import Arg, ModuleError, Plan

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping  # noqa: F401

DOC = "Gather the installed packages (dpkg/apt, rpm, apk, pacman) as ansible_facts.packages."
_MANAGERS = ("auto", "apt", "rpm", "apk", "pacman", "dpkg")

ARGS = {
    "manager": Arg(list, default=["auto"], elements=str,
                   doc="Which package database(s): auto, apt (dpkg), rpm, apk, pacman."),
    "strategy": Arg(str, default="first", choices=("first", "all"),
                    doc="With several managers: the first that works, or all."),
}
RETURNS = {"ansible_facts": "packages: {name: [{name, version, arch, source, release?}]}."}

_QUERIES = {
    "apt": ["dpkg-query", "-W", "-f", "${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n"],
    "rpm": ["rpm", "-qa", "--qf", "ii \t%{NAME}\t%{VERSION}\t%{ARCH}\t%{RELEASE}\t%{EPOCH}\n"],
    "pacman": ["pacman", "-Q"],
    "apk": ["apk", "info", "-v"],
}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    wanted = []  # type: List[str]
    for name in args["manager"]:
        if name not in _MANAGERS:
            raise ModuleError("unknown manager %r (one of %s)" % (name, ", ".join(_MANAGERS)))
        wanted += list(_QUERIES) if name == "auto" else ["apt" if name == "dpkg" else name]
    packages = {}  # type: Dict[str, List[Dict[str, Any]]]
    found = False
    for manager in wanted:
        if shutil.which(_QUERIES[manager][0]) is None:
            continue
        proc = subprocess.run(_QUERIES[manager], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
        if proc.returncode != 0:
            continue
        found = True
        for entry in parse(manager, proc.stdout.decode("utf-8", "replace")):
            packages.setdefault(entry["name"], []).append(entry)
        if args["strategy"] == "first":
            break
    if not found:
        raise ModuleError("Could not detect a supported package manager from the following list: "
                          "%s" % ", ".join(wanted))
    return {"packages": packages}


def parse(manager, text):
    # type: (str, str) -> List[Dict[str, Any]]
    found = []
    for line in text.splitlines():
        if manager in ("apt", "rpm"):
            fields = line.split("\t")
            if len(fields) < 4 or not fields[0].startswith("ii"):
                continue  # dpkg: only installed packages ("ii"), not removed-with-config ("rc")
            entry = {"name": fields[1], "version": fields[2], "arch": fields[3],
                     "source": manager}  # type: Dict[str, Any]
            if manager == "rpm":
                entry["release"] = fields[4]
                entry["epoch"] = None if fields[5] == "(none)" else fields[5]
            found.append(entry)
        elif manager == "pacman":
            parts = line.split()
            if len(parts) == 2:
                found.append({"name": parts[0], "version": parts[1], "source": "pacman"})
        elif manager == "apk":
            name, _, version = line.rpartition("-")
            name, _, pkgver = name.rpartition("-")
            if name:
                found.append({"name": name, "version": "%s-%s" % (pkgver, version),
                              "source": "apk"})
    return found


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    return Plan(reason="%d packages" % len(current["packages"]),
                data={"ansible_facts": {"packages": current["packages"]}})


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    return {}
