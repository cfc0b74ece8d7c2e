"""The command line's surface, as a user's shell sees it: --help text, shell completion
of host patterns, the shared connection flags, and exit 4 for patterns matching no host
(all before any host is touched: no fleet needed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

INVENTORY = """\
all:
  children:
    webservers:
      hosts:
        web1: {ansible_host: 192.0.2.1}
        web2: {ansible_host: 192.0.2.2}
    dbservers:
      hosts:
        db1: {ansible_host: 192.0.2.3}
    empty: {}
"""
SHARED_FLAGS = ("--inventory", "--limit", "--allow-empty", "--extra-vars", "--user",
                "--private-key", "--become",
                "--become-user", "--ask-become-pass", "--forks", "--timeout",
                "--host-key-checking", "--shard", "--vault-password-file", "--vault-id",
                "--ask-vault-pass", "--verbose")


def corral(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None
           ) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "COLUMNS": "100", **(env or {})}
    return subprocess.run([sys.executable, "-m", "corral", *args], capture_output=True,
                          text=True, check=False, env=full_env, cwd=cwd, timeout=60)


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    path = tmp_path / "hosts.yml"
    path.write_text(INVENTORY)
    return path


# -- --help ------------------------------------------------------------------------------

def test_top_help_shows_whole_command_summaries() -> None:
    out = corral("--help").stdout
    assert "..." not in out.split("Commands:")[1], out
    assert "like `ansible PATTERN -m MODULE -a ARGS`" in " ".join(out.split())
    assert "--install-completion" in out and "--show-completion" in out


@pytest.mark.parametrize("command", ["apply", "check", "run", "facts", "inventory", "modules",
                                     "explain", "vault encrypt"])
def test_usage_lines_have_no_braces(command: str) -> None:
    out = corral(*command.split(), "--help").stdout
    usage = out.splitlines()[0]
    assert usage.startswith(f"Usage: corral {command} [OPTIONS]") and "{" not in usage, usage


@pytest.mark.parametrize("command", ["apply", "check", "run"])
def test_help_lists_the_exit_codes(command: str) -> None:
    text = " ".join(corral(command, "--help").stdout.split())
    assert "Exit codes:" in text
    for row in ("0 success", "1 a task failed", "2 check mode found drift",
                "3 a host was unreachable", "4 invalid input", "5 bad command-line usage",
                "130 interrupted"):
        assert row in text, row
    assert "matching no host" in text


@pytest.mark.parametrize("command", ["apply", "check", "run", "facts"])
def test_every_host_command_takes_the_same_connection_flags(command: str) -> None:
    out = corral(command, "--help").stdout
    for flag in SHARED_FLAGS:
        assert flag in out, f"{command} lacks {flag}"


def test_allow_empty_help_says_why_exit_4() -> None:
    text = " ".join(corral("apply", "--help").stdout.split())
    assert "as ansible-core does" in text and "exits 4" in text


# -- shell completion ---------------------------------------------------------------------

def _complete(words: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> list[str]:
    parts = words.split(" ")
    done = corral(env={"_CORRAL_COMPLETE": "complete_bash", "COMP_WORDS": words,
                       "COMP_CWORD": str(len(parts) - 1), **(env or {})}, cwd=cwd)
    assert done.returncode == 0 and not done.stderr, done.stderr
    return done.stdout.split()


def test_pattern_completes_groups_then_hosts(inventory: Path) -> None:
    assert _complete(f"corral run -i {inventory} we") == ["webservers", "web1", "web2"]
    assert _complete(f"corral facts -i {inventory} d") == ["dbservers", "db1"]
    assert _complete(f"corral inventory -i {inventory} em") == ["empty"]


def test_limit_completes_the_last_term_of_a_pattern(inventory: Path) -> None:
    assert _complete(f"corral apply site.yml -i {inventory} -l webservers:!d") == [
        "webservers:!dbservers", "webservers:!db1"]
    assert _complete(f"corral check site.yml -i {inventory} --limit web1,db") == [
        "web1,dbservers", "web1,db1"]


def test_module_names_complete(inventory: Path) -> None:
    assert _complete(f"corral run all -i {inventory} -m sys") == ["sysctl", "systemd",
                                                                   "systemd_service"]
    assert _complete("corral modules linein") == ["lineinfile"]


def test_completion_reads_ansible_cfg_inventory(inventory: Path, tmp_path: Path) -> None:
    (tmp_path / "ansible.cfg").write_text(f"[defaults]\ninventory = {inventory}\n")
    assert _complete("corral run db", cwd=tmp_path,
                     env={"ANSIBLE_CONFIG": str(tmp_path / "ansible.cfg")}) == ["dbservers", "db1"]


def test_completion_of_a_broken_inventory_is_silent(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("all: [unclosed\n")
    assert _complete(f"corral run -i {broken} we") == []


def test_completion_never_runs_an_inventory_script(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    script = tmp_path / "inventory.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\necho '{{}}'\n")
    script.chmod(0o755)
    assert _complete(f"corral run -i {script} we") == []
    assert not marker.exists()


# -- patterns matching no host: exit 4 ------------------------------------------------------

def test_adhoc_pattern_matching_nothing_is_exit_4_with_a_suggestion(inventory: Path) -> None:
    done = corral("run", "webserver", "-i", str(inventory), "-a", "true", "--no-history")
    assert done.returncode == 4, done.stderr
    assert "host pattern 'webserver' matches no host in the inventory; did you mean " \
           "'webservers'?" in done.stderr


def test_adhoc_limit_matching_nothing_is_exit_4(inventory: Path) -> None:
    done = corral("run", "webservers", "-i", str(inventory), "-l", "wbe1", "--no-history")
    assert done.returncode == 4, done.stderr
    assert "--limit 'wbe1' matches none of the 2 hosts of 'webservers'; did you mean 'web1'?" \
        in done.stderr


def test_play_matching_nothing_is_exit_4_naming_file_and_line(inventory: Path,
                                                              tmp_path: Path) -> None:
    playbook = tmp_path / "site.yml"
    playbook.write_text("- hosts: webservers\n  tasks: []\n"
                        "- hosts: dbserver\n  tasks: []\n- hosts: empty\n  tasks: []\n")
    done = corral("apply", str(playbook), "-i", str(inventory), "--no-history")
    assert done.returncode == 4, done.stderr
    assert (f"{playbook}:3:3: play hosts pattern 'dbserver' matches no host in the inventory; "
            "did you mean 'dbservers'?") in done.stderr
    assert f"{playbook}:5:3: play hosts pattern 'empty' matches no host in the inventory " \
           "(group 'empty' has no hosts)" in done.stderr


def test_allow_empty_keeps_the_old_behaviour(inventory: Path, tmp_path: Path) -> None:
    playbook = tmp_path / "site.yml"
    playbook.write_text("- hosts: dbserver\n  gather_facts: false\n  tasks: []\n")
    done = corral("check", str(playbook), "-i", str(inventory), "--allow-empty", "--no-history")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "no hosts matched" in done.stdout
    adhoc = corral("run", "webserver", "-i", str(inventory), "--allow-empty", "--no-history")
    assert adhoc.returncode == 0, adhoc.stderr
