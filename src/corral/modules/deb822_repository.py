"""deb822_repository: an APT source in the deb822 format (a NAME.sources file), as Ansible writes it.

``signed_by`` may be a key file path, an armored key (written inline), or a URL (downloaded to
/etc/apt/keyrings/NAME.asc): the modern replacement of apt_key.
"""

import os
import re

from corral.modules._api import (
    Arg,
    ArgumentError,
    Change,
    ModuleError,
    Plan,
    atomic_write,
    text_diff,
)

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401

DOC = "Add or remove an APT source in deb822 format (/etc/apt/sources.list.d/NAME.sources)."
SOURCES_D = "/etc/apt/sources.list.d"
KEYRINGS = "/etc/apt/keyrings"
REQUIRES = ("_http",)

# our argument -> the deb822 field it writes; the file lists fields in argument name order
_FIELDS = {
    "allow_downgrade_to_insecure": "Allow-Downgrade-To-Insecure", "allow_insecure": "Allow-Insecure",
    "allow_weak": "Allow-Weak", "architectures": "Architectures", "by_hash": "By-Hash",
    "check_date": "Check-Date", "check_valid_until": "Check-Valid-Until",
    "components": "Components", "date_max_future": "Date-Max-Future", "enabled": "Enabled",
    "exclude": "Exclude", "include": "Include", "inrelease_path": "InRelease-Path",
    "languages": "Languages", "name": "X-Repolib-Name", "pdiffs": "PDiffs",
    "signed_by": "Signed-By", "suites": "Suites", "targets": "Targets", "trusted": "Trusted",
    "types": "Types", "uris": "URIs",
}
_LISTS = ("architectures", "components", "exclude", "include", "languages", "suites", "targets",
          "types", "uris")
_BOOLS = ("allow_downgrade_to_insecure", "allow_insecure", "allow_weak", "by_hash", "check_date",
          "check_valid_until", "enabled", "pdiffs", "trusted")

ARGS = {
    "name": Arg(str, required=True, doc="The repository's name (the file is NAME.sources)."),
    "state": Arg(str, default="present", choices=("present", "absent"), doc="present or absent."),
    "types": Arg(list, default=["deb"], elements=str, doc="deb and/or deb-src."),
    "uris": Arg(list, elements=str, doc="Repository URIs (required with state=present)."),
    "suites": Arg(list, elements=str, doc="Suites (bookworm, stable…; required with present)."),
    "components": Arg(list, elements=str, doc="Components (main, contrib…)."),
    "signed_by": Arg(str, doc="A key file path, an armored public key, or a URL of one."),
    "architectures": Arg(list, elements=str, aliases=("arch",), doc="Architectures."),
    "enabled": Arg(bool, doc="Enabled: yes/no."),
    "trusted": Arg(bool, doc="Trusted: yes/no."),
    "allow_insecure": Arg(bool, doc="Allow-Insecure."), "allow_weak": Arg(bool, doc="Allow-Weak."),
    "allow_downgrade_to_insecure": Arg(bool, doc="Allow-Downgrade-To-Insecure."),
    "by_hash": Arg(bool, doc="By-Hash."), "check_date": Arg(bool, doc="Check-Date."),
    "check_valid_until": Arg(bool, doc="Check-Valid-Until."), "pdiffs": Arg(bool, doc="PDiffs."),
    "date_max_future": Arg(int, doc="Date-Max-Future."),
    "exclude": Arg(list, elements=str, doc="Exclude."), "include": Arg(list, elements=str, doc="Include."),
    "inrelease_path": Arg(str, doc="InRelease-Path."), "languages": Arg(list, elements=str, doc="Languages."),
    "targets": Arg(list, elements=str, doc="Targets."),
    "mode": Arg("mode", default="0644", doc="Mode of the .sources file."),
}
RETURNS = {"dest": "The .sources file.", "repo": "Its content.",
           "key_filename": "The key file written from a URL, else null."}


def file_name(name):
    # type: (str) -> str
    return re.sub(r"[^a-zA-Z0-9_.-]", "_", name.strip().lower().replace(" ", "-"))


def _value(arg, value):
    # type: (str, Any) -> str
    if arg in _BOOLS:
        return "yes" if value else "no"
    if arg in _LISTS:
        return " ".join(str(v) for v in value)
    if arg == "signed_by" and "\n" in str(value):
        lines = str(value).strip().splitlines()
        return "\n" + "\n".join(" " + (line if line.strip() else ".") for line in lines)
    return str(value)


def render(args, signed_by):
    # type: (Mapping[str, Any], Optional[str]) -> str
    lines = []
    for arg in sorted(_FIELDS):
        value = signed_by if arg == "signed_by" else args.get(arg)
        if value is None or value == []:
            continue
        lines.append("%s: %s" % (_FIELDS[arg], _value(arg, value)))
    return "\n".join(lines) + "\n"


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if args["state"] == "present" and (not args["uris"] or not args["suites"]):
        raise ArgumentError("state=present needs uris and suites")
    dest = os.path.join(SOURCES_D, file_name(args["name"]) + ".sources")
    text = None
    if os.path.exists(dest):
        with open(dest) as handle:
            text = handle.read()
    key_file = None
    signed_by = args["signed_by"]
    if signed_by and re.match(r"^(https?|ftp)://", signed_by):
        key_file = os.path.join(KEYRINGS, file_name(args["name"]) + ".asc")
        signed_by = key_file
    return {"dest": dest, "text": text, "key_file": key_file, "signed_by": signed_by,
            "key_exists": key_file is not None and os.path.exists(key_file)}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    dest, before = current["dest"], current["text"]
    after = render(args, current["signed_by"]) if args["state"] == "present" else None
    data = {"dest": dest, "repo": after, "key_filename": current["key_file"]}
    changes = []  # type: List[Change]
    if after != before:
        changes.append(Change("source", "absent" if before is None else "present",
                              "absent" if after is None else "written"))
    if args["state"] == "present" and current["key_file"] and not current["key_exists"]:
        changes.append(Change("key", None, current["key_file"]))
    if not changes:
        return Plan(reason="%s is already %s" % (dest, args["state"]), data=data)
    return Plan(changes, diff=text_diff(before or "", after or "", dest, dest), data=data,
                msg="%s %s" % (dest, "written" if after else "removed"), state={"after": after})


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    dest, after = plan.data["dest"], plan.state["after"]
    key_file = plan.data["key_filename"]
    if after is None:
        if os.path.exists(dest):
            os.unlink(dest)
        return {}
    if key_file and not os.path.exists(key_file):
        _fetch_key(args["signed_by"], key_file)
    from corral.modules._api import parse_mode_arg

    mode = parse_mode_arg("mode", args["mode"])
    atomic_write(dest, after.encode("utf-8"), mode=mode if isinstance(mode, int) else 0o644)
    return {}


def _fetch_key(url, path):
    # type: (str, str) -> None
    from corral.modules._http import fetch

    reply = fetch(url)
    if reply.status >= 400:
        raise ModuleError("Failed to download key at %s: HTTP Error %d" % (url, reply.status))
    data = reply.body.read(1024 * 1024)
    if not os.path.isdir(KEYRINGS):
        os.makedirs(KEYRINGS, 0o755, exist_ok=True)
    atomic_write(path, data, mode=0o644)
