"""The CLI raises the soft open-file limit, and says when a run will not fit in it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)


def test_soft_limit_is_raised_to_the_hard_limit() -> None:
    done = _python(
        "import resource\n"
        "hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (200, hard))\n"
        "from corral.scale.open_files import raise_open_file_limit\n"
        "soft, hard2 = raise_open_file_limit()\n"
        "print(resource.getrlimit(resource.RLIMIT_NOFILE)[0] == soft, soft > 200 or hard == 200)\n"
    )
    assert done.stdout.split() == ["True", "True"]


def test_warnings_for_forks_and_for_hosts_past_the_limit() -> None:
    done = _python(
        "import resource\n"
        "hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (200, hard))\n"
        "from corral.scale.open_files import open_files_warning\n"
        "print(open_files_warning(500, 10)); print(open_files_warning(10, 5000));"
        "print(open_files_warning(10, 20))\n"
    )
    forks, hosts, fine = done.stdout.splitlines()
    assert forks.startswith("--forks 500 is more than the open-file limit allows (200 files: "
                            "about 136 connections at once)")
    assert hosts.startswith("this run keeps a connection to each of its 5000 hosts, more than "
                            "the open-file limit allows (200 files: about 136 connections)")
    assert "--shard" in hosts
    assert fine == "None"


def test_cli_entry_raises_the_limit(tmp_path: Path) -> None:
    """`corral` started under a low soft limit runs with the hard one."""
    probe = tmp_path / "probe.yml"
    probe.write_text("- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                     "    - debug: {msg: \"{{ lookup('pipe', 'ulimit -Sn') }}\"}\n")
    code = ("import resource, subprocess, sys\n"
            "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
            "resource.setrlimit(resource.RLIMIT_NOFILE, (200, hard))\n"
            f"sys.argv = ['corral', 'apply', {str(probe)!r}, '-i', 'localhost,']\n"
            "from corral.cli.main import main\n"
            "print('hard', hard, flush=True)\nmain()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr + done.stdout
    hard = done.stdout.split()[1]
    assert f"ok: [localhost] => {hard}\n" in done.stdout, done.stdout


def test_run_past_the_limit_warns_before_connecting(tmp_path: Path) -> None:
    """A hard limit of 100 files: 50 hosts do not fit (each keeps a connection)."""
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("[far]\n" + "".join(
        f"h{i} ansible_host=127.0.0.1 ansible_port=1\n" for i in range(50)))
    code = ("import resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_NOFILE, (100, 100))\n"
            f"sys.argv = ['corral', 'run', 'far', '-i', {str(inventory)!r}, '-m', 'ping',"
            " '--forks', '10', '--host-key-checking', 'off']\n"
            "from corral.cli.main import main\nmain()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 3, done.stdout + done.stderr  # connection refused: unreachable
    output = done.stdout + done.stderr
    assert ("this run keeps a connection to each of its 50 hosts, more than the open-file "
            "limit allows (100 files: about 36 connections)") in output
