"""Constructs that must give ansible-core's result, on a real agent (local connection).

Each case was checked by hand against ansible-core 2.19 (`ansible-playbook`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.integration.corral_cli import CorralRun, corral, write_playbook

INVENTORY = """
all:
  vars:
    ansible_connection: local
  hosts:
    h1: {}
    h2: {}
    h3: {}
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "inventory.yml").write_text(INVENTORY)
    return tmp_path


def run(project: Path, tasks: str, *extra: str, hosts: str = "h1", head: str = "") -> CorralRun:
    text = f"- hosts: {hosts}\n  gather_facts: false\n{head}  tasks:\n" + "".join(
        "    " + line + "\n" for line in tasks.strip("\n").splitlines())
    path = write_playbook(project, text)
    return corral("apply", path, "-i", project / "inventory.yml", *extra)


def msgs(result: CorralRun, host: str = "h1") -> list[str]:
    return [t["msg"] for t in result.host(host)["tasks"] if t["module"] == "debug"]


def counts(result: CorralRun, host: str = "h1") -> tuple[int, ...]:
    h = result.host(host)
    return (h["ok"], h["changed"], h["failed"], h["skipped"], h["rescued"], h["ignored"])


def test_set_fact_in_a_loop_builds_on_earlier_iterations(project: Path) -> None:
    result = run(project, """
- set_fact:
    dig_list: "{{ dig_list | default([]) + [item] }}"
  loop: [a, b, c]
- debug: msg="{{ dig_list | join(',') }}"
""")
    assert result.code == 0, result.stdout + result.stderr
    assert msgs(result) == ["a,b,c"]


def test_ignore_errors_covers_a_loop_that_fails_to_render(project: Path) -> None:
    result = run(project, """
- debug: msg="{{ item }}"
  loop: "{{ undefined_thing }}"
  ignore_errors: true
- debug: msg="{{ item }}"
  loop: "{{ '' }}"
  ignore_errors: true
- debug: msg=after
""")
    assert result.code == 0, result.stdout + result.stderr
    assert result.statuses("h1") == ["ignored", "ignored", "ok"]
    assert "The `loop` value must resolve to a 'list', not 'str'" in result.host("h1")["tasks"][1]["msg"]
    assert counts(result) == (3, 0, 0, 0, 0, 2)


def test_a_loop_that_fails_to_render_under_a_false_when_is_skipped(project: Path) -> None:
    result = run(project, """
- debug: msg="{{ item }}"
  loop: "{{ undefined_thing }}"
  when: false
""")
    assert result.code == 0, result.stdout + result.stderr
    assert result.statuses("h1") == ["skipped"]


def test_with_items_and_with_list_take_a_scalar_as_one_item(project: Path) -> None:
    result = run(project, """
- debug: msg="[{{ item }}]"
  with_items: "{{ x | default('') }}"
  register: r1
- debug: msg="[{{ item }}]"
  with_items: "{{ None }}"
  register: r2
- debug: msg="[{{ item }}]"
  with_list: abc
  register: r3
- debug: msg="[{{ item }}]"
  with_items: "{{ [[1, 2], [3, [4]]] }}"
  register: r4
- debug: msg="{{ [r1, r2, r3, r4] | map(attribute='results') | flatten(1) | map(attribute='item') | list | to_json }}"
""")
    assert result.code == 0, result.stdout + result.stderr
    assert json.loads(msgs(result)[-1]) == ["", None, "abc", 1, 2, 3, [4]]


def test_a_loop_with_an_ignored_failed_item_is_one_ignored_failure(project: Path) -> None:
    result = run(project, """
- debug: msg="{{ item }}"
  loop: [a, b, c]
  failed_when: item == 'b'
  ignore_errors: true
  register: f
- debug: msg="{{ f.failed }} {{ f.msg }} {{ f.results | map(attribute='failed_when_result') | list }}"
""")
    assert result.code == 0, result.stdout + result.stderr
    assert msgs(result)[-1] == "True One or more items failed [False, True, False]"
    assert counts(result) == (2, 0, 0, 0, 0, 1)


def test_rescued_failure_counts_rescued_not_ok(project: Path) -> None:
    result = run(project, """
- block:
    - command: "false"
  rescue:
    - debug: msg=rescued
- block:
    - command: "false"
      ignore_errors: true
  rescue:
    - debug: msg=never
""")
    assert result.code == 0, result.stdout + result.stderr
    assert msgs(result) == ["rescued"]
    assert counts(result)[0] == 2 and counts(result)[2:] == (0, 0, 1, 1)
    assert "rescued=1 ignored=1" in result.stdout


def test_loop_control_extended(project: Path) -> None:
    result = run(project, """
- debug: msg="{{ ansible_loop | to_json }}"
  loop: [x, y]
  loop_control: {extended: true}
  register: r1
- debug: msg="{{ ansible_loop.allitems is defined }}"
  loop: [x]
  loop_control: {extended: true, extended_allitems: false}
  register: r2
- debug: msg="{{ (r1.results + r2.results) | map(attribute='msg') | list | to_json }}"
""")
    assert result.code == 0, result.stdout + result.stderr
    first, second, third = json.loads(msgs(result)[-1])
    assert json.loads(first) == {
        "index": 1, "index0": 0, "first": True, "last": False, "length": 2, "revindex": 2,
        "revindex0": 1, "allitems": ["x", "y"], "nextitem": "y"}
    second = json.loads(second)
    assert second["previtem"] == "x" and second["last"] is True and "nextitem" not in second
    assert third is False


def test_loop_control_break_when_sees_the_items_result(project: Path) -> None:
    result = run(project, """
- shell: echo {{ item }}
  loop: [1, 2, 3, 4]
  register: r
  loop_control:
    break_when: r.stdout == '2'
    label: "L{{ item }}"
- debug: msg="{{ r.results | map(attribute='item') | list }}"
""")
    assert result.code == 0, result.stdout + result.stderr
    assert json.loads(msgs(result)[0]) == [1, 2]
    assert "(item=L1)" in result.stdout and "(item=L3)" not in result.stdout


def test_action_and_local_action_in_string_and_mapping_forms(project: Path) -> None:
    out = project / "out-a.txt"
    result = run(project, f"""
- action: command echo hi
  register: a1
- action:
    module: copy
    content: "x"
    dest: {out}
- local_action: command echo local {{{{ inventory_hostname }}}}
  register: a2
- local_action:
    module: debug
    msg: "dbg {{{{ a1.stdout }}}} / {{{{ a2.stdout }}}}"
""")
    assert result.code == 0, result.stdout + result.stderr
    assert out.read_text() == "x"
    assert msgs(result) == ["dbg hi / local h1"]
    assert [t["module"] for t in result.host("h1")["tasks"]] == ["command", "copy", "command", "debug"]


def test_set_fact_key_value_form_with_templated_names(project: Path) -> None:
    result = run(project, """
- set_fact: a=1 b={{ v }} {{ prefix }}_x=yes cacheable=true
- set_fact:
    "{{ prefix }}_y": 7
    cacheable: yes
- debug: msg="{{ [a, b, pre_x, pre_y] | map('type_debug') | list }} {{ [a, b, pre_x, pre_y] }}"
""", head="  vars: {prefix: pre, v: 5}\n")
    assert result.code == 0, result.stdout + result.stderr
    assert msgs(result) == ["['str', 'int', 'str', 'int'] ['1', 5, 'yes', 7]"]


def test_unsafe_tag_is_never_templated(project: Path) -> None:
    out = project / "out-u.txt"
    result = run(project, f"""
- debug:
    msg: !unsafe "{{{{ also raw }}}}"
- set_fact:
    copied: "{{{{ raw }}}}"
- debug: msg="{{{{ copied }}}} {{{{ lst }}}}"
- copy:
    content: !unsafe "{{{{ x }}}}"
    dest: {out}
""", head='  vars:\n    raw: !unsafe "{{ not_rendered }} {% x"\n    lst: !unsafe ["{{ a }}", b]\n')
    assert result.code == 0, result.stdout + result.stderr
    assert msgs(result) == ["{{ also raw }}", "{{ not_rendered }} {% x ['{{ a }}', 'b']"]
    assert out.read_text() == "{{ x }}"


def test_module_defaults_on_play_block_and_task(project: Path) -> None:
    play_file, block_file = project / "md-play.txt", project / "md-block.txt"
    result = run(project, f"""
- copy:
    content: "a"
- debug:
- block:
    - copy:
        content: "b"
        dest: {block_file}
    - debug:
    - debug:
      module_defaults:
        debug: {{msg: from task}}
  module_defaults:
    copy: {{mode: "0640"}}
    debug: {{msg: from block}}
""", head=f"""  module_defaults:
    ansible.builtin.copy:
      mode: "0600"
      dest: {play_file}
    debug:
      msg: from play
    group/aws:
      region: x
""")
    assert result.code == 0, result.stdout + result.stderr
    assert msgs(result) == ["from play", "from block", "from task"]
    assert (play_file.stat().st_mode & 0o777, block_file.stat().st_mode & 0o777) == (0o600, 0o640)


def test_order_templated_strategy_and_run_once_on_a_block(project: Path) -> None:
    path = write_playbook(project, """
- hosts: all
  gather_facts: false
  order: reverse_sorted
  serial: 1
  strategy: "{{ strat | default('linear') }}"
  tasks:
    - debug: msg="{{ inventory_hostname }}"
- hosts: all
  gather_facts: false
  order: reverse_inventory
  tasks:
    - block:
        - debug: msg="once {{ inventory_hostname }}"
        - set_fact: x=1
      run_once: true
    - debug: msg="{{ x | default('unset') }}"
""")
    result = corral("apply", path, "-i", project / "inventory.yml", "-e", "strat=free")
    assert result.code == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("ok: [")]
    assert lines[:3] == ["ok: [h3] => h3", "ok: [h2] => h2", "ok: [h1] => h1"]
    assert lines[3:5] == ["ok: [h3] => once h3", "ok: [h3]"]
    assert [msgs(result, h)[-1] for h in ("h1", "h2", "h3")] == ["1", "1", "1"]
    assert list(result.report["hosts"]) == ["h1", "h2", "h3"]


def test_a_strategy_that_renders_to_an_unknown_one_is_an_input_error(project: Path) -> None:
    result = run(project, "- debug: msg=x", head="  strategy: \"{{ 'host_pinned' }}\"\n")
    assert result.code == 4 and "rendered to 'host_pinned'" in result.stdout + result.stderr


def test_play_timeout_applies_to_each_task(project: Path) -> None:
    result = run(project, """
- command: sleep 10
  ignore_errors: true
- command: echo quick
  register: quick
- debug: msg="{{ quick.stdout }}"
""", head="  timeout: 1\n")
    assert result.code == 0, result.stdout + result.stderr
    assert result.statuses("h1") == ["ignored", "changed", "ok"]
    assert result.host("h1")["tasks"][0]["msg"] == "Timed out after 1 second(s)."
    assert msgs(result) == ["quick"]
