"""Three-valued check mode on this machine (local connection): a task whose module finds a
precondition missing (a folder, a file, a command) that an earlier task would bring is
`unknown` with the reason, not failed; the same missing precondition with nothing pending
to explain it stays the module's own result (a failure stays a failure). Apply converges
and a check of the converged host finds nothing (exit 0)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LOCAL = REPO / "inventories/local.yml"
REASON = "depends on '{}', which would change"


def _corral(*args: str | Path, folder: Path) -> tuple[int, str, dict]:
    report = folder / "report.json"
    env = {**os.environ, "CORRAL_HISTORY": str(folder / "history.db")}
    proc = subprocess.run([sys.executable, "-m", "corral", *map(str, args), "-i", LOCAL,
                           "--report", report], text=True, capture_output=True, timeout=120,
                          env=env)
    return proc.returncode, proc.stdout + proc.stderr, json.loads(report.read_text())


def _tasks(report: dict) -> dict[str, dict]:
    return {t["name"]: t for t in report["hosts"]["localhost"]["tasks"]}


def _play(folder: Path, tasks: str) -> Path:
    path = folder / "play.yml"
    path.write_text(f"""- hosts: localhost
  gather_facts: false
  vars:
    d: {folder}/host
  tasks:
{tasks}""")
    return path


CONVERGE = """\
    - name: make the folder
      file: {path: "{{ d }}/app/conf.d", state: directory}
    - name: write the conf
      copy: {dest: "{{ d }}/app/conf.d/a.conf", content: "a=1\\nb=2\\n"}
    - name: edit the conf
      lineinfile: {path: "{{ d }}/app/conf.d/a.conf", line: "b=2"}
    - name: install the app
      copy:
        dest: "{{ d }}/bin/app"
        mode: "0755"
        content: "#!/bin/sh\\necho 2.0\\n"
    - name: probe
      command: "{{ d }}/bin/app --version"
      register: v
      changed_when: false
      check_mode: false
    - name: version file
      template: {src: version.j2, dest: "{{ d }}/app/version.conf"}
    - name: show it
      debug: {msg: "{{ v.stdout }}"}
"""


def test_pending_folder_file_and_command_make_unknown_then_apply_converges(tmp_path):
    (tmp_path / "host/bin").mkdir(parents=True)
    (tmp_path / "version.j2").write_text("version={{ v.stdout }}\n")
    play = _play(tmp_path, CONVERGE)
    code, out, report = _corral("check", play, folder=tmp_path)
    assert code == 2, out
    tasks = _tasks(report)
    assert [tasks[n]["status"] for n in ("make the folder", "install the app")] == ["changed"] * 2
    expected = {"write the conf": "make the folder", "edit the conf": "write the conf",
                "probe": "install the app", "version file": "install the app",
                "show it": "install the app"}
    for name, origin in expected.items():
        assert (tasks[name]["status"], tasks[name]["msg"]) == ("unknown", REASON.format(origin))
    host = report["hosts"]["localhost"]
    assert (host["failed"], host["unknown"], host["changed"]) == (0, 5, 2)
    assert report["drifted"] == ["localhost"]
    assert "1 host: 0 ok, 0 would change, 0 failed, 0 unreachable" not in out
    assert not (tmp_path / "host/app").exists() and not (tmp_path / "host/bin/app").exists()

    code, out, report = _corral("apply", play, folder=tmp_path)
    assert code == 0, out
    assert (tmp_path / "host/app/conf.d/a.conf").read_text() == "a=1\nb=2\n"
    assert (tmp_path / "host/app/version.conf").read_text() == "version=2.0\n"
    code, out, report = _corral("apply", play, folder=tmp_path)
    assert (code, report["hosts"]["localhost"]["changed"]) == (0, 0), out
    # converged: the read-only probe runs in check mode, nothing is pending, nothing unknown
    code, out, report = _corral("check", play, folder=tmp_path)
    host = report["hosts"]["localhost"]
    assert (code, host["changed"], host["unknown"]) == (0, 0, 0), out


GENUINE = [
    ("edit a file nothing creates", """\
    - name: unrelated folder
      file: {path: "{{ d }}/other", state: directory}
    - name: the step
      lineinfile: {path: "{{ d }}/nothing/a.conf", line: "b=2"}
""", "failed", "does not exist; use create=yes to create it"),
    ("run a program nothing installs", """\
    - name: unrelated file
      copy: {dest: "{{ d }}/other-app", content: "x"}
    - name: the step
      command: "{{ d }}/bin/app --version"
      check_mode: false
""", "failed", "No such file or directory"),
    ("a probe that says it changes nothing", """\
    - name: look
      shell: "true"
      changed_when: false
    - name: the step
      lineinfile: {path: "{{ d }}/nothing/a.conf", line: "b=2"}
""", "failed", "does not exist"),
    # the module's own check-mode prediction stands: it writes the folder's note
    ("copy into a folder nothing creates", """\
    - name: the step
      copy: {dest: "{{ d }}/nowhere/a.conf", content: "x"}
""", "changed", "does not exist yet: an earlier task would have to create it"),
    # a literal text that happens to be a registered name reads nothing
    ("a literal word", """\
    - name: probe
      command: echo hi
      register: out
    - name: the step
      copy: {dest: "{{ d }}/a.txt", content: "out"}
""", "changed", ""),
    # a command check mode does not run may do anything: what it would bring is unknown
    ("after a command that may do anything", """\
    - name: installer
      shell: "true"
    - name: the step
      lineinfile: {path: "{{ d }}/nothing/a.conf", line: "b=2"}
""", "unknown", REASON.format("installer")),
]


@pytest.mark.parametrize(("tasks", "status", "msg"), [g[1:] for g in GENUINE],
                         ids=[g[0] for g in GENUINE])
def test_nothing_pending_explains_it_the_result_stands(tmp_path, tasks, status, msg):
    (tmp_path / "host").mkdir()
    code, out, report = _corral("check", _play(tmp_path, tasks), folder=tmp_path)
    step = _tasks(report)["the step"]
    assert step["status"] == status and msg in step["msg"], out
    assert code == (1 if status == "failed" else 2), out


def test_a_missing_attribute_names_the_variable_and_its_task(tmp_path):
    play = _play(tmp_path, """\
    - name: probe
      command: echo hi
      register: v
      when: false
    - name: show
      debug: {msg: "{{ v.stdout }}"}
""")
    code, out, report = _corral("apply", play, folder=tmp_path)
    assert code == 1, out
    # the expression's file:line:col first, then the variable and the task that registered it
    assert _tasks(report)["show"]["msg"].startswith(f"{play}:11:15: " + (
        "'v' (registered by task 'probe', which was skipped) has no attribute 'stdout'"))
    assert "Unsafe" not in out and "corral.templating" not in out


HANDLED = """\
    - name: probe
      command: echo 2.0
      register: v
    - name: version file
      copy: {{dest: "{{{{ d }}}}/version", content: "{{{{ v.stdout }}}}"}}
      notify: reload
{more}
  handlers:
    - name: reload
      copy: {{dest: "{{{{ d }}}}/reloaded", content: "yes"}}
"""


@pytest.mark.parametrize(("more", "status"), [
    ("", "unknown"),  # only an unknown task notified it: whether it runs is unknown
    ("""\
    - name: plain change
      copy: {dest: "{{ d }}/plain", content: "x"}
      notify: reload
""", "changed"),  # a change notified it too: it runs
])
def test_a_handler_only_an_unknown_task_notified_is_unknown(tmp_path, more, status):
    (tmp_path / "host").mkdir()
    code, out, report = _corral("check", _play(tmp_path, HANDLED.format(more=more)),
                                folder=tmp_path)
    tasks = report["hosts"]["localhost"]["tasks"]
    assert tasks[1]["status"] == "unknown" and tasks[-1]["name"] == "reload", out
    assert tasks[-1]["status"] == status, out
    if status == "unknown":
        assert tasks[-1]["msg"] == REASON.format("probe")
    assert code == 2, out


def test_an_owner_a_pending_user_task_creates_is_unknown_check_only(tmp_path):
    """Check mode only (this machine's accounts are never changed)."""
    (tmp_path / "host").mkdir()
    play = _play(tmp_path, """\
    - name: the group
      group: {name: corral-pending-grp}
    - name: the user
      user: {name: corral-pending-usr, group: corral-pending-grp}
    - name: owned file
      file: {path: "{{ d }}/owned", state: touch, owner: corral-pending-usr}
    - name: the step
      file: {path: "{{ d }}/other", state: touch, owner: corral-no-such-usr}
""")
    code, out, report = _corral("check", play, folder=tmp_path)
    tasks = _tasks(report)
    assert tasks["the group"]["status"] == "changed", out
    assert tasks["the user"]["msg"] == REASON.format("the group"), out
    assert tasks["owned file"]["msg"] == REASON.format("the user"), out
    assert tasks["the step"]["status"] == "failed" and code == 1, out
    assert "no such user" in tasks["the step"]["msg"]
