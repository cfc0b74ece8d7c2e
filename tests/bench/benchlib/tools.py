"""The tools under test: how each is invoked per phase, and how its outcome is read.

Phases: ``cold`` (apply on freshly reset hosts), ``rerun`` (apply on a converged
fleet: nothing to change), ``check`` (check/dry-run mode on a converged fleet).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

PHASES = ("cold", "rerun", "check")


@dataclass(frozen=True)
class Outcome:
    changed: int
    failed: int


@dataclass(frozen=True)
class Invocation:
    cmd: list[str]
    env: dict[str, str]
    report: Path | None = None


@dataclass(frozen=True)
class Tool:
    key: str
    label: str

    def invocation(self, phase: str, ctx: RunContext) -> Invocation:
        raise NotImplementedError

    def outcome(self, log: Path, inv: Invocation) -> Outcome:
        raise NotImplementedError


@dataclass(frozen=True)
class RunContext:
    """What every invocation needs: binaries, the workload copy, inventories, a scratch dir."""

    venv_bin: Path
    workload: Path
    inventory_yaml: Path
    inventory_py: Path
    hosts: int
    scratch: Path
    with_pkg: bool
    base_env: dict[str, str]
    packages: tuple[str, ...] = ("corral-demo", "corral-demo-svc")


class Corral(Tool):
    def invocation(self, phase: str, ctx: RunContext) -> Invocation:
        report = ctx.scratch / "corral-report.json"
        cmd = [str(ctx.venv_bin / "corral"), "apply", "app.yml", "-i", str(ctx.inventory_yaml),
               "--forks", str(max(ctx.hosts, 1)), "--report", str(report)]
        if phase == "check":
            cmd.append("--check")
        return Invocation(cmd, dict(ctx.base_env), report)

    def outcome(self, log: Path, inv: Invocation) -> Outcome:
        assert inv.report is not None
        if not inv.report.exists():
            return Outcome(changed=-1, failed=-1)
        hosts = json.loads(inv.report.read_text())["hosts"].values()
        return Outcome(changed=sum(h["changed"] for h in hosts),
                       failed=sum(h["failed"] + int(h["unreachable"]) for h in hosts))


@dataclass(frozen=True)
class Ansible(Tool):
    tuned: bool = False

    def invocation(self, phase: str, ctx: RunContext) -> Invocation:
        control = ctx.scratch / "cp"
        control.mkdir(parents=True, exist_ok=True)
        empty_cfg = ctx.scratch / "ansible.cfg"
        empty_cfg.write_text("# ansible-core defaults: tests/bench sets everything through the environment\n")
        env = dict(ctx.base_env, ANSIBLE_CONFIG=str(empty_cfg), ANSIBLE_NOCOLOR="1",
                   ANSIBLE_SSH_CONTROL_PATH_DIR=str(control),
                   ANSIBLE_LOCAL_TEMP=str(ctx.scratch / "ansible-tmp"))
        playbook = "app-facts.yml"
        if self.tuned:
            playbook = "app.yml"
            env.update(ANSIBLE_FORKS=str(max(ctx.hosts, 1)), ANSIBLE_PIPELINING="True",
                       ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=600s",
                       ANSIBLE_PYTHON_INTERPRETER="/usr/bin/python3")
        cmd = [str(ctx.venv_bin / "ansible-playbook"), "-i", str(ctx.inventory_yaml), playbook]
        if phase == "check":
            cmd.append("--check")
        return Invocation(cmd, env)

    def outcome(self, log: Path, inv: Invocation) -> Outcome:
        text = log.read_text(errors="replace")
        recap = re.findall(r"(?m)^\S+\s+: ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)",
                           text)
        if not recap:
            return Outcome(changed=-1, failed=-1)
        return Outcome(changed=sum(int(c) for c, _, _ in recap),
                       failed=sum(int(u) + int(f) for _, u, f in recap))


class Pyinfra(Tool):
    def invocation(self, phase: str, ctx: RunContext) -> Invocation:
        env = dict(ctx.base_env, BENCH_NO_PKG="0" if ctx.with_pkg else "1",
                   BENCH_PACKAGES=",".join(ctx.packages))
        # --dry only reports with change detection on, which -y (execute at once) skips.
        mode = ["--dry"] if phase == "check" else ["-y"]
        cmd = [str(ctx.venv_bin / "pyinfra"), *mode, "--parallel", str(max(ctx.hosts, 1)),
               str(ctx.inventory_py), "deploy.py"]
        return Invocation(cmd, env)

    def outcome(self, log: Path, inv: Invocation) -> Outcome:
        text = log.read_text(errors="replace")
        if "--dry" in inv.cmd:
            return _pyinfra_detected(text)
        match = re.search(r"(?m)^\s*Grand total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", text)
        if not match:
            return Outcome(changed=-1, failed=-1)
        number = [0 if v == "-" else int(v) for v in match.groups()]
        return Outcome(changed=number[1], failed=number[2])


def _pyinfra_detected(text: str) -> Outcome:
    """Definite changes from `--dry`'s "Detected changes" table (hosts per operation)."""
    if "--> Detected changes:" not in text:
        return Outcome(changed=-1, failed=-1)
    table = text.split("--> Detected changes:", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    changed = 0
    for row in table:
        cells = re.split(r"\s{2,}", row.strip())
        if len(cells) >= 2 and cells[1] != "-":
            changed += int(cells[1].split()[0])
    return Outcome(changed=changed, failed=0)


ALL_TOOLS: dict[str, Tool] = {
    "corral": Corral("corral", "corral"),
    "pyinfra": Pyinfra("pyinfra", "pyinfra"),
    "ansible-tuned": Ansible("ansible-tuned", "ansible (tuned)", tuned=True),
    "ansible": Ansible("ansible", "ansible (default)", tuned=False),
}
