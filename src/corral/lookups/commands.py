"""Lookups that run a command on the controller: pipe (its output) and lines (one item a line).

The command runs through /bin/sh in the playbook's folder, as Ansible runs it; it is
the playbook's own code (trusted), bounded in time and output.
"""

from __future__ import annotations

import subprocess
from typing import Any

from .context import LookupContext, LookupFailed

TIMEOUT_SECONDS = 120
MAX_OUTPUT_BYTES = 16 << 20


def run_command(ctx: LookupContext, lookup: str, command: str) -> str:
    folder = ctx.var("playbook_dir")
    try:
        proc = subprocess.run(command, shell=True, cwd=str(folder) if folder else None,
                              capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise LookupFailed(f"lookup '{lookup}': {command!r} ran longer than {TIMEOUT_SECONDS}s") from None
    except OSError as exc:
        raise LookupFailed(f"lookup '{lookup}': cannot run {command!r}: {exc}") from exc
    if proc.returncode != 0:
        stderr = proc.stderr.decode(errors="replace").strip()[-500:]
        raise LookupFailed(f"lookup '{lookup}': {command!r} exited {proc.returncode}"
                           + (f": {stderr}" if stderr else ""))
    if len(proc.stdout) > MAX_OUTPUT_BYTES:
        raise LookupFailed(f"lookup '{lookup}': {command!r} printed more than {MAX_OUTPUT_BYTES} bytes")
    return proc.stdout.decode(errors="replace")


def pipe(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    return [run_command(ctx, "pipe", str(term)).rstrip() for term in terms]


def lines(terms: list[Any], kwargs: dict[str, Any], ctx: LookupContext) -> list[Any]:
    out: list[Any] = []
    for term in terms:
        out += run_command(ctx, "lines", str(term)).splitlines()
    return out
