"""What a run leaves behind, on this machine through the local connection: --events -,
--report-dir, --junit and the history, and a history that cannot be written never
fails the run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LOCAL = REPO / "inventories/local.yml"


def _play(folder: Path) -> Path:
    path = folder / "play.yml"
    path.write_text(f"""- hosts: localhost
  gather_facts: false
  tasks:
    - name: marker file
      copy:
        dest: {folder}/marker
        content: "v1\\n"
    - name: wait a little
      command: sleep 0.6
      changed_when: false
""")
    return path


def _corral(*args: str | Path, history: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CORRAL_HISTORY": str(history)}
    return subprocess.run([sys.executable, "-m", "corral", *map(str, args)], text=True,
                          capture_output=True, timeout=120, env=env)


def test_events_stream_while_running_and_the_console_moves_to_stderr(tmp_path):
    play = _play(tmp_path)
    env = {**os.environ, "CORRAL_HISTORY": str(tmp_path / "h.db")}
    proc = subprocess.Popen([sys.executable, "-m", "corral", "apply", str(play), "-i", str(LOCAL),
                             "--events", "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stdout is not None
    first = json.loads(proc.stdout.readline())
    seen = [first["event"]]
    while "task_result" not in seen:  # the first result arrives before the run is over
        seen.append(json.loads(proc.stdout.readline())["event"])
    assert proc.poll() is None, "the events came only at the end"
    rest, err = proc.communicate(timeout=60)
    events = [first, *(json.loads(line) for line in rest.splitlines())]
    assert seen[:3] == ["run_start", "play_start", "batch_start"]
    assert events[-1]["event"] == "run_end" and events[-1]["exit_code"] == 0
    assert "PLAY RECAP" in err or "localhost" in err
    assert proc.returncode == 0


def test_report_dir_junit_and_history_one_record_per_run(tmp_path):
    play, history = _play(tmp_path), tmp_path / "h.db"
    reports, junit = tmp_path / "reports", tmp_path / "junit.xml"
    reports.mkdir()
    codes = []
    for command in ("apply", "apply", "check"):
        out = _corral(command, play, "-i", LOCAL, "--report-dir", reports, "--junit", junit,
                      history=history)
        codes.append(out.returncode)
    (tmp_path / "marker").write_text("drift\n")
    codes.append(_corral("check", play, "-i", LOCAL, "--report-dir", reports, "--junit", junit,
                         history=history).returncode)
    assert codes == [0, 0, 0, 2]
    files = sorted(reports.iterdir())
    assert len(files) == 4
    runs = [json.loads(f.read_text())["run"] for f in files]
    assert [r["command"] for r in runs] == ["apply", "apply", "check", "check"]
    assert [r["exit_code"] for r in runs] == codes
    assert "would change" in junit.read_text()
    listed = json.loads(_corral("history", "--json", history=history).stdout)
    assert [r["id"] for r in listed] == [r["id"] for r in runs]
    assert [r["exit_code"] for r in listed] == codes


def test_an_unwritable_history_is_a_warning_not_a_failure(tmp_path):
    play = _play(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    out = _corral("apply", play, "-i", LOCAL, history=blocker / "h.db")
    assert out.returncode == 0
    assert "was not recorded in the history" in out.stderr
    quiet = _corral("apply", play, "-i", LOCAL, "--no-history", history=blocker / "h.db")
    assert quiet.returncode == 0 and "history" not in quiet.stderr


def test_secret_extra_vars_stay_out_of_the_history(tmp_path):
    play, history = _play(tmp_path), tmp_path / "h.db"
    out = _corral("apply", play, "-i", LOCAL, "-e", "db_password=hunter22hunter", history=history)
    assert out.returncode == 0, out.stderr
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("h.db"))
    assert b"hunter22hunter" not in raw
    shown = _corral("history", "show", json.loads(_corral("history", "--json", history=history).stdout)[0]["id"], history=history)
    assert "db_password=********" in shown.stdout


def test_readme_history_example_runs(tmp_path):
    """The README's History snippet, command by command, from the repository's root."""
    history = tmp_path / "h.db"
    env = {**os.environ, "CORRAL_HISTORY": str(history)}
    text = (REPO / "README.md").read_text()
    block = text.split("### History", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].split() for line in block.splitlines() if line.strip()]
    codes = []
    for words in commands:
        words = [w.strip("'").replace("/tmp/drift.xml", str(tmp_path / "drift.xml")) for w in words]
        assert words[0] == "corral"
        codes.append(subprocess.run([sys.executable, "-m", "corral", *words[1:]], cwd=REPO,
                                    env=env, text=True, capture_output=True, timeout=120).returncode)
    assert codes[0] in (0, 2) and codes[1] == codes[0] and codes[2] == 0
    assert (tmp_path / "drift.xml").exists()


def test_a_read_only_history_is_a_warning_and_the_run_goes_on(request):
    """A user who may not write the history (here: nobody, on root's file) still runs."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run as another user")
    from corral.history.store import HistoryStore

    folder = Path(tempfile.mkdtemp(prefix="corral-ro-history-"))  # nobody cannot enter tmp_path
    request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    folder.chmod(0o755)
    history = folder / "h.db"
    HistoryStore(history).close()
    history.chmod(0o644)
    play = folder / "p.yml"
    play.write_text("- hosts: localhost\n  gather_facts: false\n  tasks:\n    - ping:\n")
    play.chmod(0o644)
    env = {**os.environ, "CORRAL_HISTORY": str(history), "HOME": str(folder)}
    out = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                          sys.executable, "-m", "corral", "apply", str(play), "-i", str(LOCAL)],
                         text=True, capture_output=True, timeout=120, env=env, cwd=folder)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "was not recorded in the history" in out.stderr
    assert "readonly database" in out.stderr
