"""raw: a command run straight over the host's connection, without the agent.

Needs no Python on the host. With become, the command runs through sudo (the
password, if any, goes to sudo's stdin, never into argv).
"""

from __future__ import annotations

import importlib
import shlex
from collections.abc import Mapping
from typing import Any

from corral.modules.registry import ModuleInfo
from corral.transport.become import Become, classify_sudo_failure
from corral.transport.connection import Connection


def controller_step(info: ModuleInfo) -> str | None:
    """How the controller runs a built-in module that is not a plain agent call: its
    ``CONTROLLER`` ("raw", "reboot": over the connection; "fetch": writes the result here).
    A user's module always runs in the agent."""
    if not info.builtin:
        return None
    module = importlib.import_module(f"corral.modules.{info.name}")
    step = getattr(module, "CONTROLLER", None)
    return str(step) if step is not None else None


def raw_command(command: str, executable: str | None, become: Become | None) -> str:
    """The line the login shell runs: ``command`` (via ``executable -c``, via sudo)."""
    line = f"{shlex.quote(executable)} -c {shlex.quote(command)}" if executable else command
    if become is not None:
        line = become.wrap(f"/bin/sh -c {shlex.quote(line)}")
    return line


async def run_raw(connection: Connection, args: Mapping[str, Any], check: bool,
                  become: Become | None) -> dict[str, Any]:
    """The module-shaped result (status, msg, data) of one raw task."""
    command = str(args.get("_raw_params") or "").strip()
    if not command:
        return {"status": "failed", "msg": "raw: no command given (write it as the free-form "
                                           "text: raw: apt-get install -y python3)", "data": {}}
    if check:
        return {"status": "skipped", "msg": "raw is not run in check mode", "data": {}}
    line = raw_command(command, args.get("executable"), become)
    stdin = (become.password + "\n").encode() if become and become.password is not None else None
    timeout = float(args.get("timeout") or 0) or None
    try:
        done = await connection.run_raw(line, stdin, timeout)
    except TimeoutError as exc:
        return {"status": "failed", "msg": f"raw: {exc}: {command}", "data": {"rc": -1}}
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    if become is not None:
        err = err.replace(become.marker, "")
        failure = classify_sudo_failure(err, become) if done.rc != 0 else None
        if failure is not None:
            return {"status": "failed", "msg": str(failure), "data": {"rc": done.rc}}
    data = {"rc": done.rc, "stdout": out, "stdout_lines": out.splitlines(),
            "stderr": err, "stderr_lines": err.splitlines(), "cmd": command}
    if done.rc != 0:
        return {"status": "failed", "msg": f"non-zero return code {done.rc}", "data": data}
    return {"status": "changed", "msg": out.strip()[-200:] or f"ran: {command}", "data": data}
