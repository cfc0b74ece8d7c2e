"""yum_repository: a repository section in /etc/yum.repos.d/FILE.repo, written as Ansible writes it."""

import configparser
import io
import os

from corral.modules._api import Arg, ArgumentError, Change, Plan, atomic_write, text_diff

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional  # noqa: F401

DOC = "Add, change or remove a YUM/DNF repository (.repo file section)."
REQUIRES = ("_fileattrs",)
_LINES = ("baseurl", "gpgkey", "gpgcakey")  # several values: one per line
_WORDS = ("exclude", "includepkgs")  # several values: space separated
_OWN = ("name", "description", "file", "reposdir", "state", "mode", "owner", "group")

ARGS = {
    "name": Arg(str, required=True, doc="The repository id (the [section])."),
    "description": Arg(str, doc="Its human name (written as name=)."),
    "baseurl": Arg(list, elements=str, doc="URL(s) of the repository."),
    "mirrorlist": Arg(str, doc="A mirror list URL."),
    "metalink": Arg(str, doc="A metalink URL."),
    "enabled": Arg(bool, doc="enabled=1/0."),
    "gpgcheck": Arg(bool, doc="gpgcheck=1/0."),
    "repo_gpgcheck": Arg(bool, doc="repo_gpgcheck=1/0."),
    "gpgkey": Arg(list, elements=str, doc="Key URL(s)."),
    "gpgcakey": Arg(str, doc="CA key URL."),
    "sslverify": Arg(bool, doc="sslverify=1/0."),
    "skip_if_unavailable": Arg(bool, doc="skip_if_unavailable=1/0."),
    "module_hotfixes": Arg(bool, doc="module_hotfixes=1/0."),
    "exclude": Arg(list, elements=str, aliases=("excludepkgs",), doc="Packages never taken from it."),
    "includepkgs": Arg(list, elements=str, doc="Only these packages are taken from it."),
    "priority": Arg(str, doc="Priority (1-99)."),
    "cost": Arg(str, doc="Cost."),
    "metadata_expire": Arg(str, doc="How long metadata stays fresh."),
    "proxy": Arg(str, doc="Proxy URL."),
    "timeout": Arg(str, doc="Timeout."),
    "file": Arg(str, doc="The file without .repo (default: name)."),
    "reposdir": Arg("path", default="/etc/yum.repos.d", doc="The folder of .repo files."),
    "state": Arg(str, default="present", choices=("present", "absent"), doc="present or absent."),
    "mode": Arg("mode", doc="Mode of the file."),
    "owner": Arg(str, doc="Owner of the file."),
    "group": Arg(str, doc="Group of the file."),
}
RETURNS = {"repo": "The repository id.", "state": "As given."}


def _value(key, value):
    # type: (str, Any) -> str
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ("\n" if key in _LINES else " ").join(str(v) for v in value)
    return str(value)


def options(args):
    # type: (Mapping[str, Any]) -> Dict[str, str]
    found = {}
    for key, value in args.items():
        if key in _OWN or key.startswith("_") or value is None:
            continue
        found[key] = _value(key, value)
    if args.get("description") is not None:
        found["name"] = str(args["description"])
    return dict(sorted(found.items()))


def render(text, args):
    # type: (str, Mapping[str, Any]) -> str
    parser = configparser.RawConfigParser()
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    section = args["name"]
    if args["state"] == "absent":
        parser.remove_section(section)
    else:
        if parser.has_section(section):  # replaced in place: the file keeps its order
            for key in list(parser.options(section)):
                parser.remove_option(section, key)
        else:
            parser.add_section(section)
        for key, value in options(args).items():
            parser.set(section, key, value)
    if not parser.sections():
        return ""
    out = io.StringIO()
    parser.write(out)
    return out.getvalue()


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if args["state"] == "present" and not (args["baseurl"] or args["mirrorlist"] or args["metalink"]):
        raise ArgumentError("Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.")
    path = os.path.join(args["reposdir"], (args["file"] or args["name"]) + ".repo")
    text = None
    if os.path.exists(path):
        with open(path) as handle:
            text = handle.read()
    return {"path": path, "text": text}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    path, before = current["path"], current["text"]
    try:
        after = render(before or "", args)
    except configparser.Error as exc:
        from corral.modules._api import ModuleError

        raise ModuleError("%s is not a valid .repo file: %s" % (path, exc)) from exc
    data = {"repo": args["name"], "state": args["state"]}
    if after == (before or "") and (before is not None or not after):
        return Plan(reason="repository %s is already %s" % (args["name"], args["state"]), data=data)
    return Plan([Change("repository", args["name"], args["state"])],
                diff=text_diff(before or "", after, path, path), data=data,
                msg="%s: %s %s" % (path, args["name"], args["state"]), state={"after": after})


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    from corral.modules._fileattrs import apply_attrs, wanted_attrs

    path = os.path.join(args["reposdir"], (args["file"] or args["name"]) + ".repo")
    after = plan.state["after"]
    if not after:
        if os.path.exists(path):
            os.unlink(path)
        return {}
    atomic_write(path, after.encode("utf-8"), mode=None if os.path.exists(path) else 0o644)
    apply_attrs(path, wanted_attrs(args))
    return {}
