"""Run one case with ansible-playbook and with corral, each on its own twin host.

Both tools get the same inventory shape: one host named ``diffhost`` pointing at
their twin, root with the fleet key. ansible-core comes from a test-only venv:
``CORRAL_ANSIBLE_VENV`` (default ``.venv-ansible`` at the top of the repository,
which tests/run_suite.sh installs with a pinned ansible-core).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.differential.cases import Case

REPO = Path(__file__).resolve().parents[2]
HOST_NAME = "diffhost"
RECAP_KEYS = ("ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored")
_RECAP_LINE = re.compile(r"(?m)^" + HOST_NAME + r"\s+:\s+(?P<counts>(?:\w+=\d+\s*)+)$")
RUN_TIMEOUT = 240


def ansible_playbook() -> Path:
    venv = Path(os.environ.get("CORRAL_ANSIBLE_VENV", REPO / ".venv-ansible"))
    return venv / "bin" / "ansible-playbook"


@dataclass(frozen=True)
class Twin:
    """One fleet host as the tools reach it."""

    fleet_name: str
    port: int
    key_path: Path
    known_hosts: Path


@dataclass(frozen=True)
class ToolRun:
    tool: str
    exit_code: int
    recap: dict[str, int] | None
    output: str
    seconds: float


def write_inventory(folder: Path, twin: Twin) -> Path:
    path = folder / "inventory.yml"
    path.write_text(
        "all:\n"
        "  vars:\n"
        "    ansible_user: root\n"
        f"    ansible_ssh_private_key_file: {twin.key_path}\n"
        f"    corral_known_hosts: {twin.known_hosts}\n"
        "  hosts:\n"
        f"    {HOST_NAME}: {{ansible_host: 127.0.0.1, ansible_port: {twin.port}}}\n"
    )
    return path


def _extra_args(case: Case, scratch: Path) -> list[str]:
    args = list(case.cli_args)
    if case.extra_vars:
        extra = scratch / "extra_vars.json"
        extra.write_text(json.dumps(case.extra_vars))
        args += ["-e", f"@{extra}"]
    return args


def ansible_command(case: Case, twin: Twin, scratch: Path, check: bool) -> tuple[list[str], dict[str, str]]:
    (scratch / "ansible.cfg").write_text("# defaults: the harness sets what it needs in the environment\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(
        ANSIBLE_CONFIG=str(scratch / "ansible.cfg"),
        ANSIBLE_HOME=str(scratch / "home"),
        ANSIBLE_LOCAL_TEMP=str(scratch / "tmp"),
        ANSIBLE_SSH_CONTROL_PATH_DIR=str(scratch / "cp"),
        ANSIBLE_SSH_ARGS=("-o ControlMaster=auto -o ControlPersist=60s "
                          f"-o UserKnownHostsFile={twin.known_hosts} -o StrictHostKeyChecking=yes"),
        ANSIBLE_PIPELINING="True",
        ANSIBLE_PYTHON_INTERPRETER="/usr/bin/python3",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="False",
        ANSIBLE_DEPRECATION_WARNINGS="False",
        ANSIBLE_STDOUT_CALLBACK="default",
    )
    cmd = [str(ansible_playbook()), "-i", str(write_inventory(scratch, twin)), str(case.playbook),
           *_extra_args(case, scratch)]
    if check:
        cmd.append("--check")
    return cmd, env


def corral_command(case: Case, twin: Twin, scratch: Path, check: bool) -> tuple[list[str], dict[str, str]]:
    cmd = [sys.executable, "-m", "corral", "apply", str(case.playbook),
           "-i", str(write_inventory(scratch, twin)), "--report", str(scratch / "report.json"),
           *_extra_args(case, scratch)]
    if check:
        cmd.append("--check")
    return cmd, {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}


def parse_ansible_recap(output: str) -> dict[str, int] | None:
    match = _RECAP_LINE.search(output)
    if match is None:
        return None
    counts = dict(pair.split("=") for pair in match.group("counts").split())
    return {key: int(counts.get(key, 0)) for key in RECAP_KEYS}


def read_corral_recap(report: Path) -> dict[str, int] | None:
    if not report.is_file():
        return None
    host = json.loads(report.read_text())["hosts"].get(HOST_NAME)
    if host is None:
        return None
    return {key: int(host.get(key, 0)) for key in RECAP_KEYS}


def run_both(case: Case, ansible_twin: Twin, corral_twin: Twin, scratch: Path,
             check: bool) -> tuple[ToolRun, ToolRun]:
    """ansible-playbook on one twin and corral on the other, at the same time."""
    mode = "check" if check else "apply"
    a_dir, c_dir = scratch / f"ansible-{mode}", scratch / f"corral-{mode}"
    for folder in (a_dir, c_dir):
        folder.mkdir(parents=True, exist_ok=True)
    a_cmd, a_env = ansible_command(case, ansible_twin, a_dir, check)
    c_cmd, c_env = corral_command(case, corral_twin, c_dir, check)
    with ThreadPoolExecutor(max_workers=2) as pool:
        a_job = pool.submit(_run, a_cmd, a_env, case.folder)
        c_job = pool.submit(_run, c_cmd, c_env, case.folder)
        a_code, a_out, a_secs = a_job.result()
        c_code, c_out, c_secs = c_job.result()
    ansible = ToolRun("ansible", a_code, parse_ansible_recap(a_out), a_out, a_secs)
    corral = ToolRun("corral", c_code, read_corral_recap(c_dir / "report.json"), c_out, c_secs)
    return ansible, corral


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, float]:
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=RUN_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        out = exc.output.decode(errors="replace") if isinstance(exc.output, bytes) else exc.output or ""
        return -9, out + f"\n[harness: killed after {RUN_TIMEOUT}s]", time.monotonic() - started
    return proc.returncode, proc.stdout, time.monotonic() - started
