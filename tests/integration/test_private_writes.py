"""A 0600 secret written by corral is never readable by another local user, not even for
the instant between two system calls: alice watches the folder with inotify and opens
every file the moment it appears or changes, while corral writes secrets hundreds of
times (copy with inline content, copy of a big file streamed to the host, template,
lineinfile)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from corral_cli import apply_on, host_play
from engine_support import explain, host_root, stat_line

pytestmark = pytest.mark.fleet

ROOT = host_root("private")
WATCHER = Path(__file__).with_name("inotify_watch.py")
NEEDLE = "SECRET"

TASKS = f"""\
- name: secrets
  copy: {{content: "{NEEDLE}-{{{{ item }}}}-{{{{ round }}}}\\n", dest: "{ROOT}/secret-{{{{ item }}}}",
         mode: "0600"}}
  loop: "{{{{ range(200) | list }}}}"
- name: big secrets
  copy: {{src: "{{{{ item }}}}", dest: "{ROOT}/big-{{{{ item | basename }}}}", mode: "0600"}}
  loop: "{{{{ big }}}}"
- name: templated secret
  template: {{src: secret.j2, dest: "{ROOT}/templated-{{{{ item }}}}", mode: "0600"}}
  loop: "{{{{ range(20) | list }}}}"
- name: tokens
  lineinfile: {{path: "{ROOT}/tokens", line: "{NEEDLE}-token-{{{{ item }}}}-{{{{ round }}}}",
               create: true, mode: "0600"}}
  loop: "{{{{ range(30) | list }}}}"
- name: done
  copy: {{content: "", dest: "{ROOT}/done"}}
"""


def _big_files(folder: Path, round_: int) -> list[str]:
    paths = []
    for n in range(3):
        path = folder / f"big{n}.bin"
        path.write_bytes((f"{NEEDLE}-{n}-{round_}\n" * 40000).encode())  # > the inline limit
        paths.append(str(path))
    return paths


def _watch(fleet: Any, host: str) -> subprocess.Popen[str]:
    script = "/tmp/corral-inotify-watch.py"
    fleet.exec(host, f"cat > {script} && chmod 0644 {script}", input=WATCHER.read_text(),
               check=True)
    argv = [*fleet.ssh_argv(host, user="alice"), f"python3 {script} {ROOT} {NEEDLE}"]
    watcher = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert watcher.stdout is not None
    assert watcher.stdout.readline().strip() == "ready", watcher.stderr.read() if watcher.stderr else ""
    return watcher


def _verdict(watcher: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = watcher.communicate(timeout=60)
    assert watcher.returncode == 0, err
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("round_", [1, 2])  # 2: every file exists already, new content
def test_another_user_never_reads_a_private_file_being_written(fleet: Any, tmp_path: Path,
                                                               round_: int) -> None:
    host = fleet.light_hosts[0]
    if round_ == 1:
        fleet.exec(host, f"rm -rf {ROOT}; mkdir -p {ROOT}; chmod 0755 {ROOT}", check=True)
    fleet.exec(host, f"rm -f {ROOT}/done", check=True)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "secret.j2").write_text(f"{NEEDLE}-{{{{ item }}}}-{{{{ round }}}}\n")
    playbook = host_play(tmp_path, host, TASKS)
    extra = ["-e", json.dumps({"round": round_, "big": _big_files(tmp_path, round_)})]
    watcher = _watch(fleet, host)
    try:
        run = apply_on(fleet, host, playbook, *extra)
    finally:
        seen = _verdict(watcher)
    assert run.code == 0, explain(run)
    assert run.changed(host) == 5
    assert seen["leaked"] == [], seen
    assert seen["events"] > 1000 and seen["refused"] > 0, seen  # alice really was trying
    assert stat_line(fleet, host, f"{ROOT}/secret-7") == "f 600 root root"
    assert stat_line(fleet, host, f"{ROOT}/big-big1.bin") == "f 600 root root"
    again = apply_on(fleet, host, playbook, *extra)
    assert again.changed(host) == 0, explain(again)
