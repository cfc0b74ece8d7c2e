"""Constructs that need a real host over SSH: async/poll, timeout, throttle, become su.

Each case was checked against ansible-core 2.19 by hand (see the differential corpus).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corral_cli import CorralRun, corral, write_playbook
from engine_support import explain, host_root, on_hosts, read_file, remove_on_hosts, write_inventory

pytestmark = pytest.mark.fleet

ROOT = host_root("language")
PASSWORD = "alice-secret"


@pytest.fixture
def root(fleet):
    on_hosts(fleet, f"rm -rf {ROOT}; mkdir -p {ROOT}; chmod 0777 {ROOT}")
    yield ROOT
    remove_on_hosts(fleet, ROOT)


def apply(fleet, tmp_path: Path, text: str, *extra: str, user: str = "root") -> CorralRun:
    inventory = write_inventory(tmp_path / f"{user}.yml", fleet, group_vars={"ansible_user": user})
    return corral("apply", write_playbook(tmp_path, text), "-i", inventory, *extra)


def test_async_poll_zero_then_async_status_until_finished(fleet, tmp_path, root) -> None:
    host = fleet.hosts[0]
    play = f"""
- hosts: {host}
  gather_facts: false
  tasks:
    - shell: sleep 1; echo done > {root}/async.txt
      args: {{creates: "{root}/async.txt"}}
      async: 30
      poll: 0
      register: job
    - debug: msg="{{{{ job.finished }}}} {{{{ job.started }}}}"
    - async_status: jid="{{{{ job.ansible_job_id }}}}"
      register: st
      until: st.finished
      retries: 20
      delay: 0.5
    - debug: msg="{{{{ st.finished }}}} {{{{ st.attempts }}}}"
"""
    first = apply(fleet, tmp_path, play)
    assert first.code == 0, explain(first)
    msgs = [t["msg"] for t in first.host(host)["tasks"] if t["module"] == "debug"]
    assert msgs[0] == "False True"
    assert msgs[1].startswith("True ") and int(msgs[1].split()[1]) >= 1
    assert read_file(fleet, host, f"{root}/async.txt") == "done\n"
    again = apply(fleet, tmp_path, play)
    # The job start is reported as changed (as ansible-core does); the job itself did nothing.
    assert again.code == 0 and again.host(host)["tasks"][2]["status"] == "ok", explain(again)


def test_async_with_poll_waits_and_fails_at_its_limit(fleet, tmp_path, root) -> None:
    host = fleet.hosts[0]
    play = f"""
- hosts: {host}
  gather_facts: false
  tasks:
    - lineinfile: {{line: "a", path: "{root}/polled.txt", create: true}}
      async: 10
      poll: 1
      register: p
    - debug: msg="{{{{ p.finished }}}} {{{{ p.changed }}}}"
    - command: sleep 30
      async: 2
      poll: 1
      register: slow
      ignore_errors: true
    - debug: msg="{{{{ slow.msg }}}}"
    - command: echo still here
"""
    run = apply(fleet, tmp_path, play)
    assert run.code == 0, explain(run)
    msgs = [t["msg"] for t in run.host(host)["tasks"] if t["module"] == "debug"]
    assert msgs == ["True True", "Timeout exceeded"]
    assert read_file(fleet, host, f"{root}/polled.txt") == "a\n"
    assert fleet.exec(host, ["pgrep", "-f", "^sleep 30"]).returncode != 0  # the job was killed
    again = apply(fleet, tmp_path, play)
    assert again.host(host)["tasks"][0]["status"] == "ok", explain(again)
    check = apply(fleet, tmp_path, play.replace("polled.txt", "unwritten.txt"), "--check")
    assert check.host(host)["tasks"][0]["status"] == "changed", explain(check)
    assert fleet.exec(host, f"test -e {root}/unwritten.txt").returncode != 0


def test_timeout_fails_the_task_and_the_host_goes_on(fleet, tmp_path, root) -> None:
    host = fleet.hosts[0]
    run = apply(fleet, tmp_path, f"""
- hosts: {host}
  gather_facts: false
  tasks:
    - command: sleep 20
      timeout: 1
      register: t
      ignore_errors: true
    - debug: msg="{{{{ t.msg }}}} {{{{ t.timedout.period }}}}"
    - copy: {{content: "after", dest: "{root}/after.txt"}}
    - command: sleep 20
      timeout: 1
    - debug: msg=unreached
""")
    assert run.code == 1, explain(run)
    assert run.host(host)["tasks"][1]["msg"] == "Timed out after 1 second(s). 1"
    assert read_file(fleet, host, f"{root}/after.txt") == "after"
    assert run.statuses(host) == ["ignored", "ok", "changed", "failed"]
    assert (run.host(host)["ok"], run.host(host)["failed"], run.host(host)["ignored"]) == (3, 1, 1)


def test_throttle_runs_at_most_n_hosts_at_once(fleet, tmp_path, root) -> None:
    hosts = fleet.hosts[:3]
    log = f"{root}/throttle.log"
    # Every host appends to a file of its own host; the intervals must not overlap.
    run = apply(fleet, tmp_path, f"""
- hosts: {','.join(hosts)}
  gather_facts: false
  tasks:
    - shell: "date +%s.%N > {log}; sleep 1; date +%s.%N >> {log}"
      throttle: 1
""")
    assert run.code == 0, explain(run)
    spans = sorted(tuple(float(x) for x in read_file(fleet, h, log).split()) for h in hosts)
    assert all(spans[i + 1][0] >= spans[i][1] for i in range(len(spans) - 1)), spans


@pytest.mark.parametrize(("login", "extra"), [
    ("root", ()),  # root needs no password to su
    ("deploy", ("-e", f"ansible_become_password={PASSWORD}")),
])
def test_become_su(fleet, tmp_path, root, login, extra) -> None:
    host = fleet.hosts[0]
    play = f"""
- hosts: {host}
  gather_facts: false
  become: true
  become_method: su
  become_user: alice
  tasks:
    - command: id -un
      register: who
      changed_when: false
    - copy: {{content: "x", dest: "{root}/su-{login}.txt"}}
    - debug: msg="{{{{ who.stdout }}}}"
"""
    run = apply(fleet, tmp_path, play, *extra, user=login)
    assert run.code == 0, explain(run)
    assert run.host(host)["tasks"][2]["msg"] == "alice"
    assert fleet.exec(host, f"stat -c %U {root}/su-{login}.txt").stdout.strip() == "alice"
    again = apply(fleet, tmp_path, play, *extra, user=login)
    assert again.code == 0 and again.changed(host) == 0, explain(again)
    assert PASSWORD not in run.stdout + run.stderr + str(run.report)


def test_become_su_with_a_wrong_password_says_so(fleet, tmp_path, root) -> None:
    host = fleet.hosts[0]
    run = apply(fleet, tmp_path, f"""
- hosts: {host}
  gather_facts: false
  tasks:
    - command: id -un
      become: true
      become_method: su
      become_user: alice
""", "-e", "ansible_become_password=not-her-password", user="deploy")
    assert run.code == 1, explain(run)
    assert "su rejected the become password for alice" in run.host(host)["tasks"][0]["msg"]
    assert "not-her-password" not in run.stdout + run.stderr + str(run.report)
