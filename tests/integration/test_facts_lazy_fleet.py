"""Facts gathered lazily (#16) on real hosts: only the groups a run reads, at play start;
none read, no setup request (the recap unchanged); facts of play 1 read in play 2; a fact
the analysis cannot see gathered when a template first reads it.

`-vv` prints what "Gathering Facts" returned: the proof of which groups ran.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from corral_cli import CorralRun, apply_on, corral, write_playbook

pytestmark = pytest.mark.fleet

DISTRIBUTION = {"distribution", "distribution_major_version", "distribution_release",
                "distribution_version", "os_family"}


def _gathered(run: CorralRun) -> list[dict[str, Any]]:
    """Each "Gathering Facts" result printed by -vv: the facts the host returned."""
    found = []
    for block in re.split(r"\nTASK \[", run.stdout):
        if not block.startswith("Gathering Facts]"):
            continue
        start = block.find("\n{")
        if start < 0:
            found.append({})
            continue
        text = block[start + 1:block.index("\n}", start) + 2]
        found.append(json.loads(text)["ansible_facts"])
    return found


def _requests(run: CorralRun, host: str) -> int:
    return int(run.report["stats"][host]["requests"])


def _msgs(run: CorralRun, host: str) -> list[str]:
    return [t["msg"] for t in run.host(host)["tasks"] if t["module"] == "debug"]


def test_one_fact_read_gathers_only_its_group(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    lazy = write_playbook(tmp_path, f"""\
- hosts: {host}
  tasks:
    - debug: msg="{{{{ ansible_os_family }}}}"
""")
    full = write_playbook(tmp_path, f"""\
- hosts: {host}
  gather_facts: false
  tasks:
    - setup:
      register: every
    - debug: msg="{{{{ every.ansible_facts.os_family }}}}"
    - debug: msg="{{{{ every.ansible_facts | length }}}}"
""", "full.yml")
    run = apply_on(fleet, host, lazy, "-vv", "--stats")
    assert run.code == 0, run.stdout + run.stderr
    (facts,) = _gathered(run)
    assert set(facts) == DISTRIBUTION  # not hostname, fqdn, hardware, pkg_mgr, env, ...
    reference = apply_on(fleet, host, full)
    family, count = _msgs(reference, host)
    assert _msgs(run, host) == [family] and family == "Debian"
    assert int(count) > len(DISTRIBUTION) + 10  # the explicit setup still gathers all
    assert _requests(run, host) == 1
    checked = apply_on(fleet, host, lazy, "--check")  # check mode reads the same facts
    assert checked.code == 0 and _msgs(checked, host) == [family]


def test_no_fact_read_sends_no_setup_request(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    playbook = write_playbook(tmp_path, f"""\
- hosts: {host}
  tasks:
    - command: echo {{{{ inventory_hostname }}}}
      changed_when: false
""")
    run = apply_on(fleet, host, playbook, "-vv", "--stats")
    assert run.code == 0, run.stdout + run.stderr
    assert _gathered(run) == [{}]
    assert _requests(run, host) == 1  # the command; gathering asked the host nothing
    report = run.host(host)
    assert report["tasks"][0]["name"] == "Gathering Facts"
    assert report["tasks"][0]["status"] == "ok" and report["tasks"][0]["module"] == "setup"
    assert (report["ok"], report["changed"], report["failed"], report["unreachable"]) == \
        (2, 0, 0, False)
    assert re.search(rf"{re.escape(host)}\s*: ok=2 changed=0 unreachable=0 failed=0", run.stdout)


def test_unreachable_host_is_unreachable_at_gathering(fleet: Any, tmp_path: Path) -> None:
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(f"""\
all:
  hosts:
    ghost:
      ansible_host: 127.0.0.1
      ansible_port: 25199
      ansible_user: root
      ansible_ssh_private_key_file: {fleet.key_path}
""")
    playbook = write_playbook(tmp_path, "- hosts: all\n  tasks:\n    - command: 'true'\n")
    run = corral("apply", playbook, "-i", inventory)
    assert run.code == 3, run.stdout + run.stderr
    ghost = run.host("ghost")
    assert ghost["unreachable"] is True and ghost["ok"] == 0
    assert [(t["name"], t["status"]) for t in ghost["tasks"]] == [
        ("Gathering Facts", "unreachable")]


def test_facts_of_play_one_read_in_play_two(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    playbook = write_playbook(tmp_path, f"""\
- hosts: {host}
  tasks:
    - debug: msg=first
- hosts: {host}
  gather_facts: false
  tasks:
    - debug: msg="{{{{ ansible_facts['pkg_mgr'] }}}} {{{{ hostvars['{host}'].ansible_memtotal_mb > 0 }}}}"
""")
    run = apply_on(fleet, host, playbook, "-vv", "--stats")
    assert run.code == 0, run.stdout + run.stderr
    (facts,) = _gathered(run)
    assert set(facts) == {"pkg_mgr", "processor_vcpus", "processor_count", "memtotal_mb"}
    assert _msgs(run, host) == ["first", "apt True"]
    assert _requests(run, host) == 1  # gathered once, in play 1


def test_a_fact_the_analysis_cannot_see_is_gathered_on_first_use(fleet: Any,
                                                                 tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    # An extra variable is outside the playbook: the analysis cannot see what it reads.
    playbook = write_playbook(tmp_path, f"""\
- hosts: {host}
  tasks:
    - debug: msg="{{{{ kernel_line }}}}"
    - debug: msg="{{{{ 'yes' if ansible_facts.os_family is defined else 'no' }}}}"
    - include_tasks: more.yml
      when: py3 | bool
""")
    write_playbook(tmp_path, "- debug: msg=included\n", "more.yml")
    run = apply_on(fleet, host, playbook, "-vv", "--stats", "-e",
                   "kernel_line='{{ ansible_system }}-{{ ansible_user_id }}'", "-e",
                   "py3='{{ ansible_python.version.major == 3 }}'")
    assert run.code == 0, run.stdout + run.stderr
    (facts,) = _gathered(run)
    assert set(facts) == DISTRIBUTION  # what the playbook itself reads
    assert _msgs(run, host) == ["Linux-root", "yes", "included"]
    # play start, then platform, user (the first debug) and python (the include's
    # condition) on first use
    assert _requests(run, host) == 4
