"""git on fleet hosts: clone over file:// and over the fleet's own SSH (the repository on
another fleet host), by branch, tag and sha; a second run changes nothing; check mode
writes nothing; a new upstream commit is pulled; local modifications fail without force
and are discarded with it; an unreachable repository names the host and the cause."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corral_cli import CorralRun, corral, write_playbook
from engine_support import assert_unchanged, explain, host_root, read_file, snapshot, task

pytestmark = pytest.mark.fleet

ROOT = host_root("deploy_git")
UPSTREAM = f"{ROOT}/upstream.git"
# Fixed names and dates: the same commits (same shas) on every host.
GIT_ENV = ("export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t "
           "GIT_COMMITTER_EMAIL=t@example.com GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' "
           "GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'")
SEED = f"""\
set -e
{GIT_ENV}
rm -rf {ROOT}
mkdir -p {ROOT}/work
cd {ROOT}/work
git init -q -b main .
echo v1 > app.txt
git add app.txt && git commit -q -m v1
git tag v1.0
echo v2 > app.txt
git commit -q -am v2
git clone -q --bare . {UPSTREAM}
"""


def _sha(fleet: Any, host: str, rev: str) -> str:
    done = fleet.exec(host, f"git -C {ROOT}/work rev-parse {rev}")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _playbook(folder: Path, client: str, server_port: int, first_sha: str) -> Path:
    ssh_url = f"ssh://root@127.0.0.1:{server_port}{UPSTREAM}"
    return write_playbook(folder, f"""\
- hosts: {client}
  gather_facts: false
  tasks:
    - name: by branch over file
      git: {{repo: "file://{UPSTREAM}", dest: {ROOT}/co_file, version: main}}
      register: by_branch
    - name: by tag over ssh
      git:
        repo: "{ssh_url}"
        dest: {ROOT}/co_ssh
        version: v1.0
        key_file: /root/.ssh/fleet_key
        accept_hostkey: true
    - name: by sha
      git: {{repo: "file://{UPSTREAM}", dest: {ROOT}/co_sha, version: "{first_sha}"}}
    - name: show
      debug: {{msg: "before={{{{ by_branch.before }}}} after={{{{ by_branch.after }}}}"}}
""")


@pytest.fixture(scope="module")
def setup(fleet: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    client, server = fleet.light_hosts[0], fleet.light_hosts[1]
    for host in (client, server):
        done = fleet.exec(host, SEED)
        assert done.returncode == 0, done.stderr
    key = Path(fleet.key_path).read_text()
    done = fleet.exec(client, "mkdir -p /root/.ssh && umask 077 && cat > /root/.ssh/fleet_key",
                      input=key)
    assert done.returncode == 0, done.stderr
    folder = tmp_path_factory.mktemp("deploy_git")
    play = _playbook(folder, client, fleet.port(server), _sha(fleet, client, "v1.0"))
    yield {"client": client, "server": server, "play": play, "folder": folder}


def _apply(fleet: Any, play: Path, *extra: str) -> CorralRun:
    return corral("apply", play, "-i", fleet.inventory_path, *extra)


def test_clone_three_ways(fleet: Any, setup: dict[str, Any]) -> None:
    client, play = setup["client"], setup["play"]
    check = _apply(fleet, play, "--check")
    assert check.code == 2, explain(check)
    assert snapshot(fleet, client, f"{ROOT}/co_file") == "missing\n"

    first = _apply(fleet, play)
    assert first.code == 0, explain(first)
    assert first.changed(client) == 3, explain(first)
    assert read_file(fleet, client, f"{ROOT}/co_file/app.txt") == "v2\n"
    assert read_file(fleet, client, f"{ROOT}/co_ssh/app.txt") == "v1\n"
    assert read_file(fleet, client, f"{ROOT}/co_sha/app.txt") == "v1\n"
    main = _sha(fleet, client, "main")
    assert f"before= after={main}" in task(first, client, "show")["msg"]

    before = snapshot(fleet, client, ROOT)
    second = _apply(fleet, play)
    assert second.code == 0 and second.changed(client) == 0, explain(second)
    assert_unchanged({client: before}, {client: snapshot(fleet, client, ROOT)}, "second run wrote")


def test_new_commit_upstream_is_pulled(fleet: Any, setup: dict[str, Any]) -> None:
    client, play = setup["client"], setup["play"]
    assert _apply(fleet, play).code == 0
    old = _sha(fleet, client, "main")
    done = fleet.exec(client, f"{GIT_ENV}; set -e; cd {ROOT}/work; echo v3 > app.txt; "
                              f"git commit -q -am v3; git push -q {UPSTREAM} main")
    assert done.returncode == 0, done.stderr
    new = _sha(fleet, client, "main")
    before = snapshot(fleet, client, f"{ROOT}/co_file")
    check = _apply(fleet, play, "--check")
    assert check.code == 2, explain(check)
    assert task(check, client, "by branch over file")["status"] == "changed"
    assert_unchanged({client: before}, {client: snapshot(fleet, client, f"{ROOT}/co_file")},
                     "check mode wrote")
    pulled = _apply(fleet, play)
    assert pulled.code == 0 and pulled.changed(client) == 1, explain(pulled)
    assert f"before={old} after={new}" in task(pulled, client, "show")["msg"]
    assert read_file(fleet, client, f"{ROOT}/co_file/app.txt") == "v3\n"


def test_local_modification_needs_force(fleet: Any, setup: dict[str, Any]) -> None:
    client, folder = setup["client"], setup["folder"]
    assert _apply(fleet, setup["play"]).code == 0
    fleet.exec(client, f"echo edited > {ROOT}/co_file/app.txt")
    play = write_playbook(folder, f"""\
- hosts: {client}
  gather_facts: false
  tasks:
    - name: no force
      git: {{repo: "file://{UPSTREAM}", dest: {ROOT}/co_file, version: main}}
""", "noforce.yml")
    refused = _apply(fleet, play)
    assert refused.code == 1, explain(refused)
    msg = task(refused, client, "no force")["msg"]
    assert "local modifications exist" in msg and "app.txt" in msg and "force" in msg, msg
    assert read_file(fleet, client, f"{ROOT}/co_file/app.txt") == "edited\n"

    forced = write_playbook(folder, play.read_text().replace("version: main",
                                                             "version: main, force: true"),
                            "force.yml")
    check = _apply(fleet, forced, "--check")
    assert check.code == 2 and read_file(fleet, client, f"{ROOT}/co_file/app.txt") == "edited\n"
    done = _apply(fleet, forced)
    assert done.code == 0 and done.changed(client) == 1, explain(done)
    assert read_file(fleet, client, f"{ROOT}/co_file/app.txt") != "edited\n"
    again = _apply(fleet, forced)
    assert again.code == 0 and again.changed(client) == 0, explain(again)


def test_unreachable_repository_names_host_and_cause(fleet: Any, setup: dict[str, Any]) -> None:
    client = setup["client"]
    play = write_playbook(setup["folder"], f"""\
- hosts: {client}
  gather_facts: false
  tasks:
    - name: missing repo
      git: {{repo: "file://{ROOT}/nothing.git", dest: {ROOT}/co_none}}
      ignore_errors: true
    - name: closed port
      git: {{repo: "ssh://root@127.0.0.1:1{ROOT}/x.git", dest: {ROOT}/co_none2,
             key_file: /root/.ssh/fleet_key, accept_hostkey: true}}
      ignore_errors: true
""", "bad.yml")
    run = _apply(fleet, play)
    msg = task(run, client, "missing repo")["msg"]
    assert "cannot read repository" in msg and "nothing.git" in msg, msg
    msg = task(run, client, "closed port")["msg"]
    assert "cannot read repository" in msg and "Connection refused" in msg, msg
    assert f"{client}" in run.stdout and "Connection refused" in run.stdout, explain(run)
