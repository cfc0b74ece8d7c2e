"""Run the real `corral` command in a subprocess, as a user would, and read its report."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class CorralRun:
    code: int
    stdout: str
    stderr: str
    report: dict[str, Any]

    def host(self, name: str) -> dict[str, Any]:
        return dict(self.report["hosts"][name])

    def changed(self, name: str) -> int:
        return int(self.host(name)["changed"])

    def statuses(self, name: str) -> list[str]:
        return [t["status"] for t in self.host(name)["tasks"]]


def corral(*args: str | Path, cwd: Path | None = None, timeout: float = 300,
           input: str | None = None) -> CorralRun:
    """`corral ARGS... --report tmp.json` (the report only for apply/check)."""
    words = [str(a) for a in args]
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "report.json"
        if words and words[0] in ("apply", "check"):
            words += ["--report", str(report_path)]
        proc = subprocess.run([sys.executable, "-m", "corral", *words], cwd=cwd, text=True,
                              capture_output=True, timeout=timeout, input=input)
        report = json.loads(report_path.read_text()) if report_path.exists() else {}
    return CorralRun(proc.returncode, proc.stdout, proc.stderr, report)


def write_playbook(folder: Path, text: str, name: str = "play.yml") -> Path:
    """Write a playbook (and return its path) in a folder of the test's own."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def host_play(folder: Path, host: str, tasks: str, handlers: str = "",
              name: str = "play.yml") -> Path:
    """A one-play playbook on ``host`` (no facts) from indented task (and handler) YAML."""
    text = f"- hosts: {host}\n  gather_facts: false\n  tasks:\n" + textwrap.indent(
        textwrap.dedent(tasks), "    ")
    if handlers:
        text += "  handlers:\n" + textwrap.indent(textwrap.dedent(handlers), "    ")
    return write_playbook(folder, text, name)


def apply_on(fleet: Any, host: str, playbook: Path, *extra: str) -> CorralRun:
    """`corral apply` limited to ``host`` of the fleet; it must have written a report."""
    run = corral("apply", playbook, "-i", fleet.inventory_path, "--limit", host, *extra)
    assert run.report, run.stdout + run.stderr
    return run


def task_msgs(run: CorralRun, host: str) -> list[str]:
    return [t["msg"] for t in run.host(host)["tasks"]]
