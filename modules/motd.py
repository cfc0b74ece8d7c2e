"""motd: an example custom module. Drop it into a ``modules/`` folder next to your
playbook and use it by file name::

    - name: greet people who log in
      motd:
        text: "Managed by corral. Changes here are overwritten."

It shows the whole authoring API: ``ARGS`` (its only documentation), ``inspect``
reads the host, ``plan`` is pure and explains itself, ``apply`` is the only writer.
Stdlib only, Python 3.8 syntax: it runs on the managed host.
"""

import os

from corral.modules._api import Arg, Change, Plan, atomic_write, text_diff

DOC = "Set the message of the day shown at login (an example custom module)."

ARGS = {
    "text": Arg(str, required=True, doc="The message; a final newline is added if missing."),
    "path": Arg("path", default="/etc/motd", doc="The file to write."),
}


def _wanted(args):
    text = args["text"]
    return text if text.endswith("\n") else text + "\n"


def inspect(ctx, args):
    try:
        with open(args["path"], encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def plan(ctx, args, current):
    wanted = _wanted(args)
    if current == wanted:
        return Plan(reason="%s already shows this message" % args["path"])
    return Plan([Change("message", None if current is None else "old", "new")],
                diff=text_diff(current or "", wanted, args["path"], args["path"]),
                msg="updated %s" % args["path"])


def apply(ctx, args, plan):
    folder = os.path.dirname(os.path.abspath(args["path"]))
    os.makedirs(folder, exist_ok=True)
    atomic_write(args["path"], _wanted(args).encode("utf-8"), mode=0o644)
