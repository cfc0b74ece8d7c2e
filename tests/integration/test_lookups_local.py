"""Lookups and with_<lookup> loops through the real `corral` command, local connection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.integration.corral_cli import corral, write_playbook

INVENTORY = """
all:
  vars:
    ansible_connection: local
  children:
    web:
      hosts:
        w1: {}
        w2: {}
    db:
      hosts:
        d1: {}
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "inventory.yml").write_text(INVENTORY)
    (tmp_path / "files" / "conf.d").mkdir(parents=True)
    (tmp_path / "templates").mkdir()
    (tmp_path / "files" / "conf.d" / "a.conf").write_text("a\n")
    (tmp_path / "files" / "conf.d" / "b.conf").write_text("b\n")
    (tmp_path / "files" / "motd").write_text("welcome {{ not_rendered }}\n")
    (tmp_path / "templates" / "site.j2").write_text("site of {{ inventory_hostname }}\n")
    return tmp_path


def run(project: Path, playbook: str, *extra: str):
    path = write_playbook(project, playbook)
    return corral("apply", path, "-i", project / "inventory.yml", *extra)


def debug_msgs(result, host: str) -> list[str]:
    return [t["msg"] for t in result.host(host)["tasks"] if t["module"] == "debug"]


def test_with_lookup_loops_give_ansibles_items(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "items.json"
    loops = {
        "seq": "with_sequence: start=1 end=5 stride=2 format=n%d",
        "sub": 'with_subelements: ["{{ users }}", groups, {skip_missing: true}]',
        "nested": "with_nested: [[x, y], [1, 2]]",
        "together": "with_together: [[a, b], [1]]",
        "indexed": "with_indexed_items: [p, [q]]",
        "hosts": 'with_inventory_hostnames: "web:!w2"',
        "lines": "with_lines: printf 'one\\ntwo\\n'",
        "items": "with_items: [[1, [2]], 3]",
    }
    tasks = "".join(f"""    - debug: {{msg: "{{{{ item }}}}"}}
      {loop}
      register: {name}
""" for name, loop in loops.items())
    collect = ", ".join(f"'{n}': {n}.results | map(attribute='item') | list" for n in loops)
    result = run(project, f"""
- hosts: d1
  gather_facts: false
  vars:
    users: [{{name: ann, groups: [a, b]}}, {{name: bob}}]
  tasks:
{tasks}    - copy: {{content: "{{{{ {{{collect}}} | to_json }}}}", dest: {out}}}
""")
    assert result.code == 0, result.stdout + result.stderr
    assert json.loads(out.read_text()) == {
        "seq": ["n1", "n3", "n5"],
        "sub": [[{"name": "ann"}, "a"], [{"name": "ann"}, "b"]],
        "nested": [["x", 1], ["x", 2], ["y", 1], ["y", 2]],
        "together": [["a", 1], ["b", None]],
        "indexed": [[0, "p"], [1, "q"]],
        "hosts": ["w1"],
        "lines": ["one", "two"],
        "items": [1, [2], 3],
    }


def test_fileglob_loop_copies_then_converges_and_check_writes_nothing(project: Path, tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    playbook = f"""
- hosts: w1
  gather_facts: false
  tasks:
    - file: {{path: {dest}, state: directory}}
    - copy: {{src: "{{{{ item }}}}", dest: {dest}/}}
      with_fileglob: ["conf.d/*.conf"]
"""
    check = run(project, playbook, "--check")
    assert check.code == 2 and not dest.exists()
    first = run(project, playbook)
    assert first.code == 0 and first.changed("w1") == 2
    assert sorted(p.name for p in dest.iterdir()) == ["a.conf", "b.conf"]
    again = run(project, playbook)
    assert again.code == 0 and again.changed("w1") == 0


def test_lookup_results_are_data_never_rendered(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "motd"
    result = run(project, f"""
- hosts: w1
  gather_facts: false
  tasks:
    - copy: {{content: "{{{{ lookup('file', 'motd') }}}}\\n", dest: {out}}}
""")
    assert result.code == 0, result.stdout + result.stderr
    assert out.read_text() == "welcome {{ not_rendered }}\n"


def test_first_found_on_a_template_task_looks_in_templates(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "site.txt"
    result = run(project, f"""
- hosts: w2
  gather_facts: false
  tasks:
    - template: {{src: "{{{{ item }}}}", dest: {out}}}
      with_first_found: [missing.j2, site.j2]
""")
    assert result.code == 0, result.stdout + result.stderr
    assert out.read_text() == "site of w2\n"


def test_a_missing_file_fails_the_task_with_file_and_line(project: Path) -> None:
    result = run(project, """
- hosts: w1
  gather_facts: false
  tasks:
    - debug: {msg: "{{ item }}"}
      with_file: [nope.txt]
    - debug: {msg: never}
""")
    assert result.code == 1
    task = result.host("w1")["tasks"][0]
    assert task["status"] == "failed"
    assert "play.yml:6:7: with_file: lookup 'file': could not find file 'nope.txt'" in task["msg"]
    assert len(result.host("w1")["tasks"]) == 1


def test_a_lookup_in_arguments_fails_only_that_task(project: Path) -> None:
    result = run(project, """
- hosts: w1
  gather_facts: false
  tasks:
    - debug: {msg: "{{ lookup('file', 'nope.txt') }}"}
      ignore_errors: true
    - debug: {msg: "{{ lookup('file', 'nope.txt', errors='ignore') | default('none', true) }}"}
""")
    assert result.code == 0, result.stdout + result.stderr
    first, second = result.host("w1")["tasks"]
    assert first["status"] == "ignored" and first.get("ignored")
    assert "could not find file 'nope.txt'" in first["msg"]
    assert second["msg"] == "none"


def test_password_file_is_kept_between_runs(project: Path) -> None:
    playbook = """
- hosts: w1
  gather_facts: false
  tasks:
    - debug: {msg: "{{ lookup('password', 'credentials/db length=12 chars=ascii_letters,digits') }}"}
"""
    first = debug_msgs(run(project, playbook), "w1")[0]
    assert len(first) == 12 and first.isalnum()
    assert (project / "credentials" / "db").read_text() == first + "\n"
    assert debug_msgs(run(project, playbook), "w1")[0] == first


def test_an_unknown_with_lookup_is_refused_before_any_host(project: Path) -> None:
    result = run(project, """
- hosts: w1
  gather_facts: false
  tasks:
    - debug: {msg: "{{ item }}"}
      with_hashi_vault: secret
""")
    assert result.code == 4
    assert "play.yml:6:7: 'with_hashi_vault': corral has no lookup 'hashi_vault'" in result.stderr + result.stdout


def test_a_lookup_failing_before_any_task_is_invalid_input_with_file_and_line(project: Path) -> None:
    result = run(project, """
- hosts: w1
  gather_facts: false
  vars_files: ["{{ lookup('file', 'nope.yml') }}"]
  tasks:
    - debug: {msg: never}
""")
    assert result.code == 4
    assert "could not find file 'nope.yml'" in result.stdout + result.stderr
    assert "(in vars_files at " in result.stdout + result.stderr
    assert "play.yml:4:3)" in result.stdout + result.stderr
