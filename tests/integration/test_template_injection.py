"""Host data can never run code on the controller: the reported attack, end to end.

A fleet host holds a file with Jinja in it. The playbook reads it with
``command: cat``, transforms it (strip, split, ``~``, ``%``, slices, filters)
through ``set_fact`` and ``debug`` and a template. Every output stays the
literal text, and the payloads that would touch a marker file on the
controller never run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.integration.corral_cli import apply_on, corral, host_play, task_msgs

pytestmark = pytest.mark.fleet


@pytest.fixture
def light_host(fleet) -> Iterator[str]:
    host = fleet.light_hosts[-1]
    yield host
    fleet.reset(host)


def _payloads(marker: Path) -> list[str]:
    return [
        "{{ 7*7 }}",
        f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}",
        f"{{{{ lipsum.__globals__['os'].popen('touch {marker}').read() }}}}",
        "{% for x in range(3) %}{{ x }}{% endfor %}",
    ]


TASKS = r"""
- command: cat /tmp/host-data
  register: r
- set_fact:
    strip: "{{ r.stdout_lines[IDX].strip() }}"
    split: "{{ r.stdout.split('\n')[IDX] }}"
    tilde: "{{ r.stdout_lines[IDX] ~ '' }}"
    percent: "{{ '%s' % r.stdout_lines[IDX] }}"
    sliced: "{{ r.stdout_lines[IDX][0:] }}"
    filtered: "{{ r.stdout_lines | map('trim') | list | join('\n') | split('\n') | first
                  if IDX == 0 else (r.stdout_lines | map('trim') | list)[IDX] }}"
    text: "{{ 'x' ~ r.stdout_lines[IDX] | replace('x', 'x') }}"
- set_fact:
    again: "{{ strip }}"
    nested: "{{ [strip, {'k': tilde}] }}"
- debug: {msg: "{{ strip }}"}
- debug: {msg: "{{ split }}"}
- debug: {msg: "{{ tilde }}"}
- debug: {msg: "{{ percent }}"}
- debug: {msg: "{{ sliced }}"}
- debug: {msg: "{{ filtered }}"}
- debug: {msg: "{{ text }}"}
- debug: {msg: "{{ again }}"}
- debug: {msg: "{{ nested[1].k }}"}
- debug: {var: again}
- template: {src: TEMPLATE, dest: /tmp/rendered}
"""


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_host_file_with_jinja_stays_literal_and_runs_nothing(fleet, light_host, tmp_path,
                                                             index: int) -> None:
    marker = tmp_path / "pwned"
    payloads = _payloads(marker)
    fleet.exec(light_host, "cat > /tmp/host-data", input="\n".join(payloads) + "\n", check=True)
    template = tmp_path / "page.j2"
    template.write_text(f"{{{{ strip }}}}\n{{{{ r.stdout_lines[{index}].split()[0:] | join(' ') }}}}\n")
    tasks = TASKS.replace("IDX", str(index)).replace("TEMPLATE", str(template))
    run = apply_on(fleet, light_host, host_play(tmp_path, light_host, tasks))
    assert run.code == 0, run.stdout + run.stderr
    expected = payloads[index]
    msgs = task_msgs(run, light_host)
    debug = msgs[3:13]
    assert debug[:9] == [expected] * 6 + ["x" + expected, expected, expected], debug
    assert debug[9] == f"again: {expected}"
    # 49 as a word: the temporary folder's name may hold the digits (pytest-491)
    assert not re.search(r"(?<![\w/-])49(?![\w/-])", "".join(debug) + run.stdout)
    assert not marker.exists(), "host data ran code on the controller"
    rendered = fleet.exec(light_host, "cat /tmp/rendered", check=True).stdout
    assert rendered == f"{expected}\n{' '.join(expected.split())}\n"


BROKEN = """\
- hosts: HOST
  gather_facts: false
  tasks:
    - name: marker
      file: {path: MARKER, state: touch}
    - debug: {msg: "{{ greeting | }}"}
    - command: echo hi
      loop: "{{ [1, 2 }}"
    - template: {src: page.j2, dest: /tmp/page}
  handlers:
    - name: restart
      debug: {msg: "{% if %}"}
"""


def test_broken_templates_exit_4_up_front_and_touch_no_host(fleet, light_host, tmp_path) -> None:
    marker = "/tmp/template-upfront-marker"
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.j2").write_text("title\n{{ title }}\n{% for x in %}\n")
    playbook = tmp_path / "play.yml"
    playbook.write_text(BROKEN.replace("HOST", light_host).replace("MARKER", marker))
    run = corral("apply", playbook, "-i", fleet.inventory_path)
    assert run.code == 4, run.stdout + run.stderr
    assert run.report == {}
    problems = [line.strip() for line in run.stderr.splitlines() if line.startswith("  ")]
    assert [p.split(": ")[0] for p in problems] == [
        f"{playbook}:6:15", f"{playbook}:8:7", f"{playbook}:12:15",
        f"{tmp_path / 'templates' / 'page.j2'}:3"], run.stderr
    assert "invalid template '{{ greeting | }}'" in problems[0]
    assert fleet.exec(light_host, f"test -e {marker}").returncode == 1
