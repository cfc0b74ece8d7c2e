"""copy of a directory on fleet hosts: ``src: dir/`` copies its contents, ``src: dir`` the
directory itself, recursively, with owner/group/mode on the files and directory_mode on
the folders it creates; ``remote_src`` copies a directory (and a file) already on the
host. The change is made, a second run changes nothing, check mode writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from corral_cli import CorralRun, corral, write_playbook
from engine_support import (
    assert_unchanged,
    explain,
    host_root,
    read_file,
    snapshot,
    stat_line,
    task,
)

pytestmark = pytest.mark.fleet

ROOT = host_root("deploy_copy_tree")


def _apply(fleet: Any, play: Path, host: str, *extra: str) -> CorralRun:
    return corral("apply", play, "-i", fleet.inventory_path, "--limit", host, *extra)


def _site(folder: Path) -> None:
    site = folder / "files" / "site"
    (site / "static" / "css").mkdir(parents=True)
    (site / "index.html").write_text("<h1>hi</h1>\n")
    (site / "static" / "css" / "main.css").write_text("h1 {}\n")


def test_directory_copy_three_ways(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    assert fleet.exec(host, f"rm -rf {ROOT} && mkdir -p {ROOT}/remote/sub && "
                            f"echo r > {ROOT}/remote/sub/r.txt && echo one > {ROOT}/one.txt"
                      ).returncode == 0
    _site(tmp_path)
    play = write_playbook(tmp_path, f"""\
- hosts: {host}
  gather_facts: false
  tasks:
    - name: contents
      copy: {{src: site/, dest: {ROOT}/contents, owner: deploy, group: deploy, mode: "0640",
              directory_mode: "0750"}}
      register: contents
    - name: itself
      copy: {{src: site, dest: {ROOT}/itself/}}
    - name: remote dir
      copy: {{src: {ROOT}/remote/, dest: {ROOT}/remote_copy, remote_src: true}}
    - name: remote file
      copy: {{src: {ROOT}/one.txt, dest: {ROOT}/two.txt, remote_src: true, mode: "0600"}}
""")
    before = snapshot(fleet, host, ROOT)
    check = _apply(fleet, play, host, "--check")
    assert check.code == 2 and check.changed(host) == 4, explain(check)
    assert_unchanged({host: before}, {host: snapshot(fleet, host, ROOT)}, "check mode wrote")

    first = _apply(fleet, play, host)
    assert first.code == 0 and first.changed(host) == 4, explain(first)
    assert read_file(fleet, host, f"{ROOT}/contents/static/css/main.css") == "h1 {}\n"
    assert stat_line(fleet, host, f"{ROOT}/contents/index.html") == "f 640 deploy deploy"
    assert stat_line(fleet, host, f"{ROOT}/contents/static") == "d 750 deploy deploy"
    assert read_file(fleet, host, f"{ROOT}/itself/site/index.html") == "<h1>hi</h1>\n"
    assert read_file(fleet, host, f"{ROOT}/remote_copy/sub/r.txt") == "r\n"
    assert stat_line(fleet, host, f"{ROOT}/two.txt") == "f 600 root root"
    assert "2 of 2 files written" in task(first, host, "contents")["msg"]

    snap = snapshot(fleet, host, ROOT)
    second = _apply(fleet, play, host)
    assert second.code == 0 and second.changed(host) == 0, explain(second)
    assert_unchanged({host: snap}, {host: snapshot(fleet, host, ROOT)}, "second run wrote")

    # drift: one file edited, one mode changed: only those are put back
    fleet.exec(host, f"echo x > {ROOT}/contents/index.html; chmod 0644 {ROOT}/contents/static/css/main.css")
    drift = _apply(fleet, play, host, "--check")
    assert [t["name"] for t in drift.host(host)["tasks"] if t["status"] == "changed"] == ["contents"]
    fixed = _apply(fleet, play, host)
    assert fixed.changed(host) == 1, explain(fixed)
    assert read_file(fleet, host, f"{ROOT}/contents/index.html") == "<h1>hi</h1>\n"
    assert stat_line(fleet, host, f"{ROOT}/contents/static/css/main.css") == "f 640 deploy deploy"


def test_remote_src_missing_names_host(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    play = write_playbook(tmp_path, f"""\
- hosts: {host}
  gather_facts: false
  tasks:
    - name: missing
      copy: {{src: {ROOT}/nothing/, dest: {ROOT}/x, remote_src: true}}
""")
    run = _apply(fleet, play, host)
    assert run.code == 1 and "does not exist on the host" in task(run, host, "missing")["msg"]
    assert host in run.stdout
