"""reboot: restart a host over its connection, wait for it to come back, reconnect.

"Back" means the boot marker changed (the kernel's boot id and PID 1's start time:
a new boot changes both, a restarted container its PID 1) and ``test_command``
succeeds. The host's agents and connection are dropped; the next task opens new ones.
"""

from __future__ import annotations

import asyncio
import shlex
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from corral.errors import HostError
from corral.transport.become import Become
from corral.transport.connection import Connection

BOOT_MARKER = "cat /proc/sys/kernel/random/boot_id; cut -d' ' -f22 /proc/1/stat"
RETRY_SECONDS = 1.0

Reconnect = Callable[[], Awaitable[Connection]]


def reboot_line(args: Mapping[str, Any]) -> str:
    """The reboot, detached so that the command returns before the connection drops."""
    msg = shlex.quote(str(args.get("msg") or ""))
    command = args.get("reboot_command") or (
        f"shutdown -r now {msg} || systemctl reboot || reboot")
    delay = int(args.get("pre_reboot_delay") or 0)
    inner = f"sleep {max(delay, 1)}; {command}"
    return f"nohup sh -c {shlex.quote(inner)} >/dev/null 2>&1 &"


async def _run(connection: Connection, line: str, become: Become | None,
               timeout: float) -> tuple[int, str]:
    if become is not None:
        line = become.wrap(f"/bin/sh -c {shlex.quote(line)}")
    stdin = (become.password + "\n").encode() if become and become.password is not None else None
    done = await connection.run_raw(line, stdin, timeout)
    return done.rc, done.stdout.decode("utf-8", "replace").strip()


async def run_reboot(connection: Connection, reconnect: Reconnect, forget: Callable[[], Awaitable[None]],
                     args: Mapping[str, Any], check: bool, become: Become | None) -> dict[str, Any]:
    """The module-shaped result of one reboot task."""
    if check:
        return {"status": "changed", "msg": "would reboot the host", "data": {"rebooted": True}}
    marker = str(args.get("boot_time_command") or BOOT_MARKER)
    timeout = float(args["reboot_timeout"])
    rc, before = await _run(connection, marker, None, 30)
    if rc != 0 or not before:
        return {"status": "failed", "msg": f"cannot read the boot marker ({marker}): rc={rc}",
                "data": {"rebooted": False}}
    rc, _ = await _run(connection, reboot_line(args), become, 30)
    if rc != 0:
        return {"status": "failed", "msg": f"the reboot command failed (rc={rc})",
                "data": {"rebooted": False}}
    started = time.monotonic()
    await forget()
    error = await _wait_back(reconnect, forget, marker, before, str(args["test_command"]),
                             become, started + timeout)
    elapsed = round(time.monotonic() - started, 1)
    if error is not None:
        return {"status": "failed", "msg": f"the host did not come back within {timeout:g} s: "
                                           f"{error}", "data": {"rebooted": False, "elapsed": elapsed}}
    await asyncio.sleep(float(args.get("post_reboot_delay") or 0))
    return {"status": "changed", "msg": f"rebooted; back after {elapsed:g} s",
            "data": {"rebooted": True, "elapsed": elapsed}}


async def _wait_back(reconnect: Reconnect, forget: Callable[[], Awaitable[None]], marker: str,
                     before: str, test_command: str, become: Become | None,
                     deadline: float) -> str | None:
    """None once the marker changed and test_command passed, else the last problem seen."""
    problem = "it never answered"
    while time.monotonic() < deadline:
        await asyncio.sleep(RETRY_SECONDS)
        try:
            connection = await reconnect()
            rc, now = await _run(connection, marker, None, 30)
            if rc != 0 or now == before:
                problem = "it has not rebooted yet"
                await forget()  # the old session may still be up during shutdown
                continue
            rc, _ = await _run(connection, test_command, become, 60)
            if rc == 0:
                return None
            problem = f"test_command {test_command!r} failed (rc={rc})"
        except (HostError, TimeoutError, OSError) as exc:
            problem = str(exc)
            await forget()
    return problem
