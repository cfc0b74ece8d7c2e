"""Values YAML and templates make that JSON has no type for (dates, datetimes, sets,
bytes) reach a real host as ansible-core sends them; a value that cannot be sent
(a range, a Jinja namespace) fails its task only: the host and its connection go on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from corral_cli import apply_on, write_playbook
from engine_support import explain, host_root, read_file, snapshot, task

pytestmark = pytest.mark.fleet

ROOT = host_root("wire")

PLAYBOOK = f"""\
- hosts: HOST
  gather_facts: false
  vars:
    day: 2024-01-01
    moment: 2024-01-01 10:20:30.5
    words: !!set {{"true"}}
    blob: !!binary aGVsbG8=
  tasks:
    - name: a literal date
      copy: {{content: 2024-01-01, dest: {ROOT}/date}}
    - name: a date through a variable
      copy: {{content: "{{{{ day }}}}", dest: {ROOT}/date-var}}
    - name: a datetime
      copy: {{content: "{{{{ moment }}}}", dest: {ROOT}/datetime}}
    - name: bytes
      lineinfile: {{line: "{{{{ blob }}}}", path: {ROOT}/bytes, create: true}}
    - name: a set
      command: {{argv: "{{{{ words }}}}"}}
      changed_when: false
    - name: a set as content
      copy: {{content: "{{{{ words }}}}", dest: {ROOT}/set}}
    - name: a mapping with a date as content
      copy: {{content: "{{{{ {{'day': day}} }}}}", dest: {ROOT}/mapping}}
    - name: a namespace
      copy: {{content: "{{{{ namespace(a=1) }}}}", dest: {ROOT}/namespace}}
      ignore_errors: true
    - name: a range
      copy: {{content: "{{{{ range(3) }}}}", dest: {ROOT}/range}}
      ignore_errors: true
    - name: still connected
      command: echo still here
      changed_when: false
      register: after
"""

WRITTEN = {"date": "2024-01-01", "date-var": "2024-01-01",
           "datetime": "2024-01-01 10:20:30.500000", "bytes": "hello\n",
           "set": '["true"]', "mapping": '{"day": "2024-01-01"}'}


def test_dates_sets_and_bytes_are_sent_and_objects_fail_their_task(fleet: Any,
                                                                   tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    fleet.exec(host, f"rm -rf {ROOT}; mkdir -p {ROOT}", check=True)
    playbook = write_playbook(tmp_path, PLAYBOOK.replace("HOST", host))
    before = snapshot(fleet, host, ROOT)

    check = apply_on(fleet, host, playbook, "--check")
    assert check.code == 2, explain(check)
    assert check.changed(host) == 6
    assert snapshot(fleet, host, ROOT) == before

    run = apply_on(fleet, host, playbook)
    assert run.code == 0, explain(run)
    for name, text in WRITTEN.items():
        assert read_file(fleet, host, f"{ROOT}/{name}") == text
    for name, kind in (("a namespace", "Namespace"), ("a range", "range")):
        failed = task(run, host, name)
        assert failed["status"] == "ignored", failed  # a failure under ignore_errors
        assert f"argument 'content': a value of type {kind} cannot be sent" in failed["msg"]
    assert not run.host(host)["unreachable"]
    assert task(run, host, "still connected")["status"] == "ok"

    again = apply_on(fleet, host, playbook)
    assert again.changed(host) == 0, explain(again)
