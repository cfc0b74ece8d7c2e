"""The playbook language on real hosts reached through the local connection.

Three inventory hosts all run on this machine (ansible_connection: local): fast,
real agents and real files, no SSH. The fleet tests cover the same over SSH.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.integration.corral_cli import corral, write_playbook

INVENTORY = """
all:
  vars:
    ansible_connection: local
    site: inventory-all
  children:
    web:
      hosts:
        w1: {color: red}
        w2: {color: blue}
    db:
      hosts:
        d1: {color: green}
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "inventory.yml").write_text(INVENTORY)
    return tmp_path


def run(project: Path, playbook: str, *extra: str):
    path = write_playbook(project, playbook)
    return corral("apply", path, "-i", project / "inventory.yml", *extra)


def debug_msgs(result, host: str) -> list[str]:
    return [t["msg"] for t in result.host(host)["tasks"] if t["module"] == "debug"]


def test_when_loop_register_and_results(project: Path) -> None:
    out = project / "out"
    out.mkdir()
    result = run(project, f"""
- hosts: web
  gather_facts: false
  tasks:
    - name: files per item
      file: path={out}/{{{{ inventory_hostname }}}}-{{{{ item }}}} state=touch
      loop: [a, b]
      register: touched
      when: color == 'red'
    - debug: msg="{{{{ touched.results | map(attribute='item') | list if touched.results is defined else 'skipped' }}}}"
""")
    assert result.code == 0, result.stderr + result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["w1-a", "w1-b"]
    assert json.loads(debug_msgs(result, "w1")[0]) == ["a", "b"]
    assert result.statuses("w2")[0] == "skipped"


def test_changed_when_failed_when_ignore_errors(project: Path) -> None:
    result = run(project, """
- hosts: w1
  gather_facts: false
  tasks:
    - command: echo hello
      register: out
      changed_when: false
    - command: "false"
      ignore_errors: true
    - command: echo oops
      register: r
      failed_when: "'oops' in r.stdout"
    - debug: msg=unreached
""")
    assert result.code == 1
    assert result.statuses("w1") == ["ok", "ignored", "failed"]
    host = result.host("w1")
    # a failed command is changed in ansible-core too: the ignored one counts as changed
    assert (host["ok"], host["failed"], host["changed"], host["ignored"]) == (2, 1, 1, 1)
    assert host["tasks"][1]["ignored"] is True


def test_handlers_run_once_per_host_in_definition_order(project: Path) -> None:
    log = project / "handlers.log"
    result = run(project, f"""
- hosts: web
  gather_facts: false
  tasks:
    - copy: content="1" dest={project}/{{{{ inventory_hostname }}}}.a
      notify: [second, first]
    - copy: content="2" dest={project}/{{{{ inventory_hostname }}}}.b
      notify: first
    - command: "true"
      changed_when: false
      notify: never
  handlers:
    - name: first
      shell: echo "{{{{ inventory_hostname }}}} first" >> {log}
    - name: second
      shell: echo "{{{{ inventory_hostname }}}} second" >> {log}
      listen: restart things
    - name: never
      shell: echo never >> {log}
""")
    assert result.code == 0, result.stdout
    lines = log.read_text().splitlines()
    assert sorted(lines) == sorted(["w1 first", "w1 second", "w2 first", "w2 second"])
    assert [line for line in lines if line.startswith("w1")] == ["w1 first", "w1 second"]
    again = run(project, (project / "play.yml").read_text().replace("- hosts", "- hosts", 1))
    assert again.code == 0 and len(log.read_text().splitlines()) == 4


def test_block_rescue_always(project: Path) -> None:
    result = run(project, """
- hosts: w1
  gather_facts: false
  tasks:
    - block:
        - command: "false"
        - debug: msg=unreached
      rescue:
        - debug: msg=rescued
      always:
        - debug: msg=always
    - debug: msg=after
""")
    assert result.code == 0, result.stdout
    assert debug_msgs(result, "w1") == ["rescued", "always", "after"]
    assert result.host("w1")["failed"] == 0 and result.host("w1")["rescued"] == 1


def test_precedence_play_vars_then_extra_vars(project: Path) -> None:
    playbook = """
- hosts: w1
  gather_facts: false
  vars:
    site: play
  tasks:
    - debug: msg="{{ site }} {{ color }}"
    - set_fact: color=purple
    - debug: msg="{{ color }}"
    - debug: msg="{{ color }}"
      vars:
        color: task-var
"""
    result = run(project, playbook)
    assert debug_msgs(result, "w1") == ["play red", "purple", "purple"]
    result = run(project, playbook, "-e", "site=extra color=black")
    assert debug_msgs(result, "w1") == ["extra black", "black", "black"]


def test_magic_variables_and_hostvars(project: Path) -> None:
    result = run(project, """
- hosts: all
  gather_facts: false
  tasks:
    - debug:
        msg: "{{ groups['web'] | join(',') }} {{ group_names | join(',') }} {{ hostvars['d1']['color'] }} {{ ansible_play_hosts | length }} {{ inventory_hostname_short }}"
      when: inventory_hostname == 'w2'
""")
    assert debug_msgs(result, "w2") == ["w1,w2 web green 3 w2"]


def test_facts_are_data_not_templates(project: Path) -> None:
    result = run(project, """
- hosts: w1
  tasks:
    - set_fact: from_host="{{ ansible_facts['env']['EVIL'] }}"
    - debug: msg="{{ from_host }}"
    - debug: msg="{{ ansible_distribution }} {{ ansible_facts['os_family'] }}"
""")
    assert result.code == 0, result.stdout + result.stderr
    msgs = debug_msgs(result, "w1")
    assert msgs[0] == "{{ 7 * 7 }}"
    assert msgs[1].split()[1] == "Debian"


@pytest.fixture(autouse=True)
def _evil_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIL", "{{ 7 * 7 }}")


def test_until_retries_and_run_once(project: Path) -> None:
    counter = project / "count"
    result = run(project, f"""
- hosts: web
  gather_facts: false
  tasks:
    - shell: echo x >> {counter}; wc -l < {counter}
      register: n
      until: n.stdout | int >= 3
      retries: 5
      delay: 0
      run_once: true
    - debug: msg="{{{{ n.stdout }}}}"
""")
    assert result.code == 0, result.stdout
    assert counter.read_text().count("x") == 3
    assert debug_msgs(result, "w1") == ["3"] and debug_msgs(result, "w2") == ["3"]


def test_tags_and_no_log(project: Path) -> None:
    result = run(project, """
- hosts: w1
  gather_facts: false
  tasks:
    - debug: msg=tagged
      tags: [web]
    - debug: msg=other
      tags: [db]
    - debug: msg=always
      tags: [always]
    - debug: msg="the secret is s3cr3t"
      no_log: true
      tags: [web]
""", "--tags", "web")
    assert debug_msgs(result, "w1")[:2] == ["tagged", "always"]
    assert "s3cr3t" not in result.stdout and "s3cr3t" not in json.dumps(result.report)


def test_assert_and_fail(project: Path) -> None:
    result = run(project, """
- hosts: web
  gather_facts: false
  tasks:
    - assert:
        that:
          - color in ['red', 'blue']
          - site == 'inventory-all'
    - fail: msg="stop {{ inventory_hostname }}"
      when: color == 'blue'
    - debug: msg=survivor
""")
    assert result.code == 1
    assert debug_msgs(result, "w1") == ["survivor"]
    assert result.host("w2")["tasks"][-1]["msg"] == "stop w2"


def test_environment_keyword(project: Path) -> None:
    result = run(project, """
- hosts: w1
  gather_facts: false
  environment:
    GREETING: play
  tasks:
    - shell: echo "$GREETING $OTHER"
      register: out
      environment:
        OTHER: "{{ color }}"
    - debug: msg="{{ out.stdout }}"
""")
    assert debug_msgs(result, "w1") == ["play red"]


def test_undefined_variable_fails_that_task_naming_it(project: Path) -> None:
    result = run(project, """
- hosts: w1
  gather_facts: false
  tasks:
    - debug: msg="{{ nope_not_defined }}"
""")
    assert result.code == 1
    assert "nope_not_defined" in result.host("w1")["tasks"][0]["msg"]


def test_free_strategy_and_any_errors_fatal(project: Path) -> None:
    free = run(project, """
- hosts: all
  strategy: free
  gather_facts: false
  tasks:
    - fail: msg=boom
      when: inventory_hostname == 'w1'
    - debug: msg="{{ inventory_hostname }} went on"
""")
    assert free.code == 1
    assert debug_msgs(free, "w2") == ["w2 went on"] and debug_msgs(free, "d1") == ["d1 went on"]
    fatal = run(project, """
- hosts: all
  any_errors_fatal: true
  gather_facts: false
  tasks:
    - fail: msg=boom
      when: inventory_hostname == 'w1'
    - debug: msg=unreached
""")
    assert fatal.code == 1
    assert all(debug_msgs(fatal, h) == [] for h in ("w1", "w2", "d1"))


def test_import_playbook_start_at_task_and_meta(project: Path) -> None:
    (project / "other.yml").write_text("""
- hosts: d1
  gather_facts: false
  tasks:
    - debug: msg=imported
""")
    result = run(project, """
- import_playbook: other.yml
- hosts: web
  gather_facts: false
  tasks:
    - debug: msg=first
    - name: here
      debug: msg=second
    - meta: end_host
      when: inventory_hostname == 'w2'
    - debug: msg=third
""", "--start-at-task", "here")
    assert result.code == 0, result.stdout + result.stderr
    assert debug_msgs(result, "d1") == []  # skipped: before the start task
    assert debug_msgs(result, "w1") == ["second", "third"]
    assert debug_msgs(result, "w2") == ["second"]


def test_with_dict_loop_control_and_flush_handlers(project: Path) -> None:
    log = project / "log"
    result = run(project, f"""
- hosts: w1
  gather_facts: false
  tasks:
    - shell: echo "{{{{ idx }}}} {{{{ entry.key }}}}={{{{ entry.value }}}}" >> {log}
      with_dict: {{b: 2, a: 1}}
      loop_control:
        loop_var: entry
        index_var: idx
        label: "{{{{ entry.key }}}}"
      notify: mark
    - meta: flush_handlers
    - shell: echo after-flush >> {log}
  handlers:
    - name: mark
      shell: echo handler >> {log}
""")
    assert result.code == 0, result.stdout
    assert log.read_text().splitlines() == ["0 b=2", "1 a=1", "handler", "after-flush"]
    assert "(item=b)" in result.stdout


def test_delegate_to_localhost(project: Path) -> None:
    result = run(project, f"""
- hosts: web
  gather_facts: false
  tasks:
    - copy: content="{{{{ inventory_hostname }}}}" dest={project}/delegated-{{{{ inventory_hostname }}}}
      delegate_to: localhost
""")
    assert result.code == 0, result.stdout
    assert (project / "delegated-w2").read_text() == "w2"


def test_ctrl_c_stops_cleanly_and_still_reports(project: Path, tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    playbook = write_playbook(project, """
- hosts: w1
  gather_facts: false
  tasks:
    - debug: msg=before
    - command: sleep 120
    - debug: msg=after
""")
    report = tmp_path / "report.json"
    proc = subprocess.Popen([sys.executable, "-m", "corral", "apply", str(playbook), "-i",
                             str(project / "inventory.yml"), "--report", str(report)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    proc.send_signal(signal.SIGINT)
    stdout, _ = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "PLAY RECAP" in stdout and "(interrupted)" in stdout
    data = json.loads(report.read_text())
    assert data["interrupted"] is True
    assert [t["msg"] for t in data["hosts"]["w1"]["tasks"]] == ["before"]
    leftover = subprocess.run(["pgrep", "-f", "sleep 120"], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""


def test_templated_notify_is_rendered_per_host(project: Path) -> None:
    log = project / "notified"
    result = run(project, f"""
- hosts: web
  gather_facts: false
  tasks:
    - command: "true"
      notify: "restart {{{{ color }}}}"
  handlers:
    - name: restart red
      shell: echo "{{{{ inventory_hostname }}}} red" >> {log}
    - name: restart blue
      shell: echo "{{{{ inventory_hostname }}}} blue" >> {log}
""")
    assert result.code == 0, result.stdout
    assert sorted(log.read_text().splitlines()) == ["w1 red", "w2 blue"]


def test_limit_that_matches_nothing_is_an_input_error(project: Path) -> None:
    result = run(project, """
- hosts: web
  gather_facts: false
  tasks:
    - debug: msg=hi
""", "--limit", "no-such-host")
    assert result.code == 4
    assert "matches none of the hosts" in result.stderr


def test_task_level_any_errors_fatal_and_ignore_unreachable(project: Path) -> None:
    fatal = run(project, """
- hosts: web
  gather_facts: false
  tasks:
    - fail: msg=boom
      when: inventory_hostname == 'w1'
      any_errors_fatal: true
    - debug: msg=unreached
""")
    assert fatal.code == 1
    assert debug_msgs(fatal, "w2") == []
    (project / "inventory.yml").write_text(INVENTORY + """
    down:
      hosts:
        dead: {ansible_connection: ssh, ansible_host: 127.0.0.1, ansible_port: 1}
""")
    result = run(project, """
- hosts: dead
  gather_facts: false
  tasks:
    - ping:
      ignore_unreachable: true
    - ping:
""", "-T", "2")
    assert result.code == 3
    assert result.statuses("dead") == ["unreachable", "unreachable"]
    assert "connection refused" in result.host("dead")["tasks"][0]["msg"]


def test_task_diff_keyword_shows_that_tasks_diff_only(project: Path) -> None:
    result = run(project, f"""
- hosts: w1
  gather_facts: false
  tasks:
    - copy: content="shown\\n" dest={project}/a.txt
      diff: true
    - copy: content="hidden\\n" dest={project}/b.txt
""")
    assert result.code == 0, result.stdout
    assert "+shown" in result.stdout and "+hidden" not in result.stdout
