"""Executable ``-i`` sources: Ansible-style inventory scripts.

The script is run with ``--list``; when its output has no ``_meta.hostvars`` it
is run once more per host with ``--host NAME`` (as Ansible does). Its JSON is read
by ``ScriptJsonReader``; group_vars/ and host_vars/ beside it apply as usual.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from corral.errors import Position
from corral.inventory.builder import InventoryBuilder
from corral.inventory.script_json import ScriptJsonReader
from corral.inventory.script_run import ScriptFailed, ScriptLimits, run_script


class _BadOutput(Exception):
    pass


def read_script_inventory(path: Path, builder: InventoryBuilder) -> None:
    """Run the script at ``path`` and add what it lists to ``builder``."""
    what = f"inventory script {path}"
    where = Position(str(path))
    try:
        limits = ScriptLimits.from_environment()
        data = _parse(run_script(path, ["--list"], limits), "--list")
    except (ScriptFailed, _BadOutput) as exc:
        builder.problem(f"{what}: {exc}", where)
        return
    failures: list[str] = []

    def host_vars(host: str) -> Any:
        if failures:  # one failure is enough: do not run the script 100,000 more times
            return None
        try:
            return _parse(run_script(path, ["--host", host], limits), f"--host {host}")
        except (ScriptFailed, _BadOutput) as exc:
            failures.append(f"{what}: {exc}")
            return None

    ScriptJsonReader(path, what, builder).read(data, host_vars)
    for failure in failures:
        builder.problem(failure, where)


def _parse(output: bytes, args: str) -> Any:
    try:
        return json.loads(output)
    except UnicodeDecodeError as exc:
        raise _BadOutput(f"'{args}' printed bytes that are not UTF-8: {exc.reason}") from None
    except json.JSONDecodeError as exc:
        raise _BadOutput(f"'{args}' printed invalid JSON: {exc.msg} at line {exc.lineno} "
                         f"column {exc.colno}") from None
