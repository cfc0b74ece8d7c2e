"""Three-valued check mode on this machine (local connection): a task that reads the
registered result of a task check mode only simulated is `unknown` (exit 2, never 1),
with the reason; apply still makes the change, and a second apply changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCAL = REPO / "inventories/local.yml"


def _play(folder: Path, extra: str = "") -> Path:
    path = folder / "play.yml"
    path.write_text(f"""- hosts: localhost
  gather_facts: false
  tasks:
    - name: make file
      copy:
        dest: {folder}/source.txt
        content: "hello\\n"
    - name: read it
      command: cat {folder}/source.txt
      register: out
      changed_when: false
    - name: copy what was read
      copy:
        dest: {folder}/copy.txt
        content: "{{{{ out.stdout }}}}\\n"
    - name: only when hello
      file:
        path: {folder}/flag
        state: touch
        modification_time: preserve
        access_time: preserve
      when: out.stdout == 'hello'
{extra}""")
    return path


def _corral(*args: str | Path, history: Path) -> tuple[int, str, dict]:
    report = history.parent / "report.json"
    env = {**os.environ, "CORRAL_HISTORY": str(history)}
    proc = subprocess.run([sys.executable, "-m", "corral", *map(str, args), "--report", report],
                          text=True, capture_output=True, timeout=120, env=env)
    return proc.returncode, proc.stdout + proc.stderr, json.loads(report.read_text())


def test_check_reports_unknown_then_apply_converges(tmp_path):
    play, history = _play(tmp_path), tmp_path / "h.db"
    code, out, report = _corral("check", play, "-i", LOCAL, history=history)
    assert code == 2, out
    tasks = {t["name"]: t for t in report["hosts"]["localhost"]["tasks"]}
    assert tasks["make file"]["status"] == "changed"
    assert tasks["read it"]["status"] == "skipped"
    for name in ("copy what was read", "only when hello"):
        assert tasks[name]["status"] == "unknown"
        assert tasks[name]["msg"] == "depends on 'read it', which would change"
    assert report["hosts"]["localhost"]["unknown"] == 2
    assert report["hosts"]["localhost"]["failed"] == 0
    assert "UnsafeDict" not in out and "unknown=2" in out
    assert not (tmp_path / "source.txt").exists(), "check mode wrote"

    code, out, report = _corral("apply", play, "-i", LOCAL, history=history)
    assert code == 0, out
    assert (tmp_path / "copy.txt").read_text() == "hello\n" and (tmp_path / "flag").exists()
    code, out, report = _corral("apply", play, "-i", LOCAL, history=history)
    assert (code, report["hosts"]["localhost"]["changed"]) == (0, 0), out
    # check mode does not run commands: what reads their output stays unknown …
    code, out, report = _corral("check", play, "-i", LOCAL, history=history)
    assert code == 2 and report["hosts"]["localhost"]["unknown"] == 2, out
    # … unless the command is marked safe to run in check mode
    play.write_text(play.read_text().replace("register: out", "register: out\n      check_mode: false"))
    code, out, report = _corral("check", play, "-i", LOCAL, history=history)
    assert code == 0 and report["hosts"]["localhost"]["unknown"] == 0, out


def test_an_undefined_variable_is_still_a_failure(tmp_path):
    play = _play(tmp_path, extra="""    - name: typo
      debug:
        msg: "{{ nosuchvar.stdout }}"
""")
    code, out, report = _corral("check", play, "-i", LOCAL, history=tmp_path / "h.db")
    assert code == 1, out
    statuses = [t["status"] for t in report["hosts"]["localhost"]["tasks"]]
    assert statuses[-1] == "failed" and statuses.count("unknown") == 2


def test_unknown_is_kept_in_the_history_and_counts_as_drift(tmp_path):
    play, history = _play(tmp_path), tmp_path / "h.db"
    _corral("check", play, "-i", LOCAL, history=history)
    env = {**os.environ, "CORRAL_HISTORY": str(history)}
    listed = json.loads(subprocess.run([sys.executable, "-m", "corral", "history", "--json"],
                                       text=True, capture_output=True, env=env).stdout)
    assert listed[-1]["counts"]["unknown"] == 2 and listed[-1]["exit_code"] == 2
    drift = json.loads(subprocess.run([sys.executable, "-m", "corral", "drift", "--json"],
                                      text=True, capture_output=True, env=env).stdout)
    assert drift[0]["state"] == "drifting"
    assert {t["status"] for t in drift[0]["drifted_tasks"]} == {"changed", "unknown"}
