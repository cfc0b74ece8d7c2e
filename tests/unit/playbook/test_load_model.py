"""Valid playbooks load into the expected model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corral.errors import Position
from corral.playbook import Block, LoopControl, Task, loop_items, walk_tasks

from .conftest import LoadText


def only_task(load_text: LoadText, task_yaml: str) -> Task:
    text = "- hosts: all\n  tasks:\n" + "".join(f"    {line}\n" for line in task_yaml.splitlines())
    text += "  handlers:\n    - name: restart\n      ping:\n"
    play = load_text(text).plays[0]
    assert len(play.tasks) == 1
    task = play.tasks[0]
    assert isinstance(task, Task)
    return task


# (id, task yaml, {Task attribute: expected value})
TASKS: list[tuple[str, str, dict[str, Any]]] = [
    ("k=v text", "- file: path=/srv state=directory mode=0755",
     {"module": "file", "args": {"path": "/srv", "state": "directory", "mode": "0755"}}),
    ("ansible.builtin name", "- ansible.builtin.copy: {dest: /x, content: hi}",
     {"module": "copy", "args": {"dest": "/x", "content": "hi"}}),
    ("ansible.legacy name", "- ansible.legacy.ping:", {"module": "ping", "args": {}}),
    ("free-form command", "- command: ls -l /tmp chdir=/srv",
     {"module": "command", "args": {"_raw_params": "ls -l /tmp", "chdir": "/srv"}}),
    ("free-form keeps quotes and templates", "- shell: echo \"{{ a }} b\" > /tmp/x",
     {"args": {"_raw_params": 'echo "{{ a }} b" > /tmp/x'}}),
    ("multi-line shell keeps its lines", "- shell: |\n    set -e\n    cd /srv  chdir=/tmp\n    make",
     {"args": {"_raw_params": "set -e\ncd /srv  \nmake", "chdir": "/tmp"}}),
    ("args keyword merged under inline", "- command: make\n  args: {chdir: /src, creates: /a}",
     {"args": {"chdir": "/src", "creates": "/a", "_raw_params": "make"}}),
    ("octal mode", "- file: {path: /a, mode: 0644}", {"args": {"path": "/a", "mode": 0o644}}),
    ("when: string, braces stripped", "- ping:\n  when: \"{{ x }}\"", {"when": ["x"]}),
    ("when: list and booleans", "- ping:\n  when: [a is defined, true]",
     {"when": ["a is defined", True]}),
    ("changed_when false", "- ping:\n  changed_when: false", {"changed_when": [False]}),
    ("loop list", "- debug: var=item\n  loop: [1, 2]", {"loop": [1, 2], "loop_kind": "loop"}),
    ("loop template", "- debug: var=item\n  loop: \"{{ users }}\"",
     {"loop": "{{ users }}", "loop_kind": "loop"}),
    ("with_items kept raw", "- debug: var=item\n  with_items: [[1, 2], 3]",
     {"loop": [[1, 2], 3], "loop_kind": "items"}),
    ("with_items scalar", "- debug: var=item\n  with_items: one", {"loop": ["one"]}),
    ("with_list", "- debug: var=item\n  with_list: [a]", {"loop": ["a"], "loop_kind": "list"}),
    ("with_dict", "- debug: var=item\n  with_dict: {a: 1, b: 2}",
     {"loop": [{"key": "a", "value": 1}, {"key": "b", "value": 2}], "loop_kind": "dict"}),
    ("loop_control", "- debug: var=u\n  loop: [1]\n  loop_control: {loop_var: u, index_var: i, "
     "label: \"{{ u }}\", pause: 2}",
     {"loop_control": LoopControl(loop_var="u", index_var="i", label="{{ u }}", pause=2)}),
    ("notify string becomes a list", "- ping:\n  notify: restart",
     {"notify": ["restart"]}),
    ("tags comma string", "- ping:\n  tags: web, db", {"tags": ["web", "db"]}),
    ("become yes/no", "- ping:\n  become: yes\n  become_user: postgres",
     {"become": True, "become_user": "postgres"}),
    ("keywords", "- command: \"true\"\n  register: out\n  ignore_errors: \"{{ x }}\"\n"
     "  no_log: true\n  run_once: on\n  delegate_to: localhost\n  check_mode: no\n  diff: no\n"
     "  vars: {a: 1}\n  environment: {PATH: /bin}\n  until: out.rc == 0\n  retries: 5\n"
     "  delay: \"{{ d }}\"\n  failed_when: out.rc > 1\n  any_errors_fatal: true",
     {"register": "out", "ignore_errors": "{{ x }}", "no_log": True, "run_once": True,
      "delegate_to": "localhost", "check_mode": False, "diff": False, "vars": {"a": 1},
      "environment": {"PATH": "/bin"}, "until": ["out.rc == 0"], "retries": 5,
      "delay": "{{ d }}", "failed_when": ["out.rc > 1"], "any_errors_fatal": True}),
    ("defaults", "- name: hi\n  ping:",
     {"name": "hi", "when": [], "loop": None, "loop_kind": None, "register": None,
      "changed_when": None, "ignore_errors": False, "notify": [], "become": None,
      "tags": [], "run_once": False, "loop_control": LoopControl()}),
    ("templated args are not type-checked", "- wait_for: port=\"{{ p }}\"",
     {"args": {"port": "{{ p }}"}}),
]


@pytest.mark.parametrize(("task_yaml", "expected"), [t[1:] for t in TASKS], ids=[t[0] for t in TASKS])
def test_task(load_text: LoadText, task_yaml: str, expected: dict[str, Any]) -> None:
    task = only_task(load_text, task_yaml)
    for attribute, value in expected.items():
        assert getattr(task, attribute) == value, attribute


def test_positions_are_kept(load_text: LoadText, tmp_path: Path) -> None:
    task = only_task(load_text, "- name: x\n  file:\n    path: /a\n  when: y")
    site = str(tmp_path / "site.yml")
    assert task.position == Position(site, 3, 7)
    assert task.keyword_positions["when"] == Position(site, 6, 7)
    assert task.arg_positions["path"] == Position(site, 5, 9)


PLAYS: list[tuple[str, str, dict[str, Any]]] = [
    ("defaults", "- hosts: web", {
        "name": "web", "hosts": "web", "gather_facts": True, "strategy": "linear",
        "serial": [], "become": None, "any_errors_fatal": False, "vars": {},
        "max_fail_percentage": None, "connection": None, "tasks": []}),
    ("hosts list", "- hosts: [web, db]", {"hosts": "web,db"}),
    ("serial int", "- hosts: all\n  serial: 2", {"serial": [2]}),
    ("serial percent", "- hosts: all\n  serial: 30%", {"serial": ["30%"]}),
    ("serial list", "- hosts: all\n  serial: [1, '5', 50%]", {"serial": [1, 5, "50%"]}),
    ("keywords", "- name: site\n  hosts: all\n  become: true\n  gather_facts: no\n"
     "  strategy: free\n  vars: {a: 1}\n  vars_files: [\"vars/{{ env }}.yml\"]\n"
     "  tags: web\n  max_fail_percentage: 25\n  remote_user: deploy\n  connection: local\n"
     "  any_errors_fatal: yes\n  ignore_unreachable: yes\n  check_mode: no\n  diff: yes\n"
     "  environment: {LANG: C}", {
         "name": "site", "become": True, "gather_facts": False, "strategy": "free",
         "vars": {"a": 1}, "vars_files": ["vars/{{ env }}.yml"], "tags": ["web"],
         "max_fail_percentage": 25.0, "remote_user": "deploy", "connection": "local",
         "any_errors_fatal": True, "ignore_unreachable": True, "check_mode": False,
         "diff": True, "environment": {"LANG": "C"}}),
]


@pytest.mark.parametrize(("text", "expected"), [p[1:] for p in PLAYS], ids=[p[0] for p in PLAYS])
def test_play(load_text: LoadText, text: str, expected: dict[str, Any]) -> None:
    play = load_text(text).plays[0]
    for attribute, value in expected.items():
        assert getattr(play, attribute) == value, attribute


def test_sections_handlers_and_listen(load_text: LoadText, tmp_path: Path) -> None:
    book = load_text("""
        - hosts: all
          pre_tasks:
            - ping:
          tasks:
            - copy: {dest: /etc/app.conf, content: x}
              notify: [restart app, web changed]
          post_tasks:
            - debug: msg=done
          handlers:
            - name: restart app
              service: name=app state=restarted
            - name: reload nginx
              listen: web changed
              service: name=nginx state=reloaded
        """)
    play = book.plays[0]
    assert book.path == tmp_path / "site.yml"
    assert play.path == tmp_path / "site.yml" and play.playbook_dir == tmp_path
    assert [t.module for t in walk_tasks(play.pre_tasks + play.tasks + play.post_tasks)] == [
        "ping", "copy", "debug"]
    assert [(h.name, h.listen) for h in play.handlers] == [
        ("restart app", []), ("reload nginx", ["web changed"])]


def test_block_rescue_always(load_text: LoadText) -> None:
    play = load_text("""
        - hosts: all
          tasks:
            - name: deploy
              when: deploy | bool
              become: true
              tags: [deploy]
              vars: {v: 1}
              block:
                - command: /bin/deploy
                - block:
                    - ping:
              rescue:
                - debug: msg="rolling back"
              always:
                - debug: msg=done
        """).plays[0]
    block = play.tasks[0]
    assert isinstance(block, Block)
    assert (block.name, block.when, block.become, block.tags, block.vars) == (
        "deploy", ["deploy | bool"], True, ["deploy"], {"v": 1})
    assert [n.module for n in block.block if isinstance(n, Task)] == ["command"]
    assert isinstance(block.block[1], Block)
    assert [t.module for t in walk_tasks([block])] == ["command", "ping", "debug", "debug"]


def test_loop_items() -> None:
    assert loop_items("items", [[1, 2], 3, [[4]]]) == [1, 2, 3, [4]]
    assert loop_items("dict", {"a": 1}) == [{"key": "a", "value": 1}]
    assert loop_items("dict", [{"key": "a", "value": 1}]) == [{"key": "a", "value": 1}]
    assert loop_items("loop", [[1]]) == [[1]]
    assert loop_items("loop", {"a": 1}) is None
