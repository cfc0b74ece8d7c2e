"""timezone: the host's time zone (/etc/localtime and /etc/timezone), as Ansible sets it on Linux."""

import os
import re

from corral.modules._api import Arg, ArgumentError, Change, ModuleError, Plan, atomic_write

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional  # noqa: F401

DOC = "Set the system time zone (e.g. Europe/Paris, UTC); the hardware clock setting is accepted."
ZONEINFO = "/usr/share/zoneinfo"
LOCALTIME = "/etc/localtime"
TIMEZONE_FILE = "/etc/timezone"

ARGS = {
    "name": Arg(str, doc="The zone, like Europe/Paris or Etc/UTC (a name under /usr/share/zoneinfo)."),
    "hwclock": Arg(str, aliases=("rtc",), choices=("local", "UTC"),
                   doc="Whether the hardware clock keeps local time or UTC (accepted; needs hwclock)."),
}
RETURNS = {"diff": "before/after zone names."}


def current_zone():
    # type: () -> Optional[str]
    if os.path.islink(LOCALTIME):
        target = os.path.realpath(LOCALTIME)
        marker = ZONEINFO + "/"
        if marker in target:
            return target.split(marker, 1)[1]
    if os.path.exists(TIMEZONE_FILE):
        with open(TIMEZONE_FILE) as handle:
            return handle.read().strip() or None
    return None


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    name = args["name"]
    if name is None and args["hwclock"] is None:
        raise ArgumentError("give name (and/or hwclock)")
    if name is not None:
        if not re.match(r"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$", name):
            raise ArgumentError("%r is not a time zone name" % name)
        if not os.path.isfile(os.path.join(ZONEINFO, name)):
            raise ModuleError("given timezone \"%s\" is not available on this host (no %s/%s: "
                              "is tzdata installed?)" % (name, ZONEINFO, name))
    file_zone = None
    if os.path.exists(TIMEZONE_FILE):
        with open(TIMEZONE_FILE) as handle:
            file_zone = handle.read().strip()
    link = os.readlink(LOCALTIME) if os.path.islink(LOCALTIME) else None
    return {"zone": current_zone(), "file_zone": file_zone, "link": link}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    name = args["name"]
    data = {"diff": {"before": {"name": current["zone"]}, "after": {"name": name or current["zone"]}}}
    if name is None:
        return Plan(reason="hwclock is accepted as given", data=data)
    wanted_link = os.path.join(ZONEINFO, name)
    changes = []  # type: List[Change]
    if current["zone"] != name or os.path.realpath(current["link"] or "") != os.path.realpath(wanted_link):
        changes.append(Change("timezone", current["zone"], name))
    if os.path.exists(TIMEZONE_FILE) and current["file_zone"] != name:
        changes.append(Change(TIMEZONE_FILE, current["file_zone"], name))
    if not changes:
        return Plan(reason="timezone is already %s" % name, data=data)
    return Plan(changes, data=data, msg="timezone: %s -> %s" % (current["zone"], name))


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    name = args["name"]
    tmp = LOCALTIME + ".corral-tmp"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(os.path.join(ZONEINFO, name), tmp)
    os.rename(tmp, LOCALTIME)  # atomic: never a moment without /etc/localtime
    if os.path.exists(TIMEZONE_FILE) or os.path.exists("/etc/debian_version"):
        atomic_write(TIMEZONE_FILE, (name + "\n").encode("ascii"), mode=0o644)
    return {}
