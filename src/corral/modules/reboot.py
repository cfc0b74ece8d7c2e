"""reboot: restart the host, wait until it is back, and carry on with the play.

The controller runs it (``CONTROLLER = "reboot"``, see
``corral.executor.reboot_call``): it records the host's boot marker (the kernel's
boot id and PID 1's start time), starts the reboot in the background over the
connection, drops the host's connection and agents, reconnects until the marker
changes, runs ``test_command`` until it succeeds, and the next task starts a fresh
agent. This file declares the arguments and documentation only. In check mode
nothing is done and the task reports the reboot it would make.
"""

from corral.modules._api import Arg, ModuleError

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, Mapping  # noqa: F401

DOC = "Reboot the host, wait until it is back and answers, then go on with the play."
CONTROLLER = "reboot"

ARGS = {
    "reboot_timeout": Arg(int, default=600, doc="Seconds to wait for the host to be back "
                                                "and pass test_command."),
    "test_command": Arg(str, default="whoami", doc="Must succeed before the host counts as up."),
    "pre_reboot_delay": Arg(int, default=0, doc="Seconds to wait before rebooting."),
    "post_reboot_delay": Arg(int, default=0, doc="Seconds to wait after the host is back."),
    "msg": Arg(str, default="Reboot initiated by corral", doc="Message shown to logged-in users."),
    "reboot_command": Arg(str, doc="Command that reboots (default: shutdown -r now MSG, "
                                   "else systemctl reboot, else reboot)."),
    "boot_time_command": Arg(str, doc="Command whose output changes with every boot (default: "
                                      "the boot id and PID 1's start time)."),
    "search_paths": Arg(list, elements=str, doc="Accepted for compatibility; PATH is used."),
}

RETURNS = {
    "rebooted": "Whether the host was rebooted.",
    "elapsed": "Seconds from the reboot command to the host passing test_command.",
}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    raise ModuleError("reboot runs on the controller, not in the agent")


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Any
    raise ModuleError("reboot runs on the controller, not in the agent")


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Any) -> Any
    raise ModuleError("reboot runs on the controller, not in the agent")
