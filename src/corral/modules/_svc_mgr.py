"""Which init system manages services on this host: systemd, OpenRC or SysV init.

Stdlib only, Python 3.8 syntax. Shared by ``setup`` (the ``service_mgr`` fact)
and ``service`` (which backend to drive), so the two always agree.
"""

import os
import shutil

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Callable, Optional  # noqa: F401 (type comments)


def _pid1_name():
    # type: () -> str
    try:
        with open("/proc/1/comm") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def service_mgr(exists=os.path.exists, isdir=os.path.isdir, which=shutil.which, pid1=_pid1_name):
    # type: (Callable[[str], bool], Callable[[str], bool], Callable[[str], Optional[str]], Callable[[], str]) -> str
    """``systemd``, ``openrc``, ``sysvinit`` or ``service`` (nothing recognised).

    systemd only when it is running (``/run/systemd/system``, or PID 1 is
    systemd): a host with systemd installed but another init is not systemd.
    The probes are parameters so the decision table can be tested anywhere.
    """
    if isdir("/run/systemd/system") or pid1() == "systemd":
        return "systemd"
    if exists("/sbin/openrc") or isdir("/run/openrc") or which("rc-service"):
        return "openrc"
    if isdir("/etc/init.d"):
        return "sysvinit"
    return "service"
