"""debconf: answer a Debian package's configuration question before (or after) it is installed."""

import subprocess

from corral.modules._api import Arg, ArgumentError, Change, ModuleError, Plan, to_bool

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Mapping, Optional  # noqa: F401

DOC = "Set a debconf answer (debconf-set-selections) for a package's question."
_TYPES = ("boolean", "error", "multiselect", "note", "password", "seen", "select", "string",
          "text", "title")

ARGS = {
    "name": Arg(str, required=True, aliases=("pkg",), doc="The package."),
    "question": Arg(str, aliases=("selection", "setting"), doc="The question (e.g. tzdata/Areas)."),
    "vtype": Arg(str, choices=_TYPES, doc="The answer's type."),
    "value": Arg("raw", aliases=("answer",), doc="The answer."),
    "unseen": Arg(bool, default=False, doc="Do not mark the question as seen."),
}
RETURNS = {"current": "The package's answers before the change.",
           "previous": "The answer before, when changed."}


def current_answers(package):
    # type: (str) -> Dict[str, str]
    try:
        proc = subprocess.run(["debconf-show", package], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise ModuleError("debconf-show could not run (is debconf installed?): %s" % exc) from exc
    answers = {}
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        key, sep, value = line.lstrip("* ").partition(":")
        if sep:
            answers[key.strip()] = value.strip()
    return answers


def _text(value, vtype):
    # type: (Any, Optional[str]) -> str
    if vtype == "boolean":
        return "true" if to_bool(value, "value") else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if args["question"] is not None and (args["vtype"] is None or args["value"] is None):
        raise ArgumentError("question needs vtype and value")
    return {"answers": current_answers(args["name"])}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    answers = current["answers"]
    data = {"current": {k: ("(password)" if "password" in k else v)
                        for k, v in answers.items()}}  # type: Dict[str, Any]
    if args["question"] is None:
        return Plan(reason="%d answers for %s" % (len(answers), args["name"]), data=data)
    wanted = _text(args["value"], args["vtype"])
    have = answers.get(args["question"])
    secret = args["vtype"] == "password"
    if have == wanted and not secret:
        return Plan(reason="%s is already %r" % (args["question"], wanted), data=data)
    if secret and have is not None and have != "":
        return Plan(reason="%s has a password (not compared)" % args["question"], data=data)
    if have is not None:
        data["previous"] = "(hidden)" if secret else have
    shown = "********" if secret else wanted
    return Plan([Change(args["question"], None if secret else have, shown)], data=data,
                msg="%s %s = %s" % (args["name"], args["question"], shown))


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    line = "%s %s %s %s\n" % (args["name"], args["question"], args["vtype"],
                              _text(args["value"], args["vtype"]))
    argv = ["debconf-set-selections"] + (["-u"] if args["unseen"] else [])
    try:
        proc = subprocess.run(argv, input=line.encode("utf-8"), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    except OSError as exc:
        raise ModuleError("debconf-set-selections could not run: %s" % exc) from exc
    if proc.returncode != 0:
        raise ModuleError("debconf-set-selections failed: %s"
                          % proc.stderr.decode("utf-8", "replace").strip())
    return {}
