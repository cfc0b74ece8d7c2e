"""apt_repository, deb822_repository, mount, known_hosts, debconf, timezone and locale_gen on
fleet hosts: the change is made, a second run changes nothing, check mode writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from corral_cli import CorralRun, corral, write_playbook
from engine_support import explain, host_root, on_hosts, read_file, snapshots

pytestmark = pytest.mark.fleet

ROOT = host_root("system_modules")
KEY = "127.0.0.9 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKnownHostKnownHostKnownHostKnownHost00"
WATCHED = ("/etc/apt/sources.list.d", ROOT, "/etc/localtime", "/etc/timezone")


def _play(tmp_path: Path, host: str, tasks: str) -> Path:
    return write_playbook(tmp_path, f"- hosts: {host}\n  gather_facts: false\n  tasks:\n{tasks}")


def _three_ways(fleet: Any, host: str, play: Path, changed: int) -> CorralRun:
    before = snapshots(fleet, "/etc/apt/sources.list.d", [host])
    check = corral("check", play, "-i", fleet.inventory_path)
    assert check.code == 2, explain(check)
    assert snapshots(fleet, "/etc/apt/sources.list.d", [host]) == before
    first = corral("apply", play, "-i", fleet.inventory_path)
    assert first.code == 0 and first.changed(host) == changed, explain(first)
    again = corral("apply", play, "-i", fleet.inventory_path)
    assert again.code == 0 and again.changed(host) == 0, explain(again)
    return first


def test_apt_sources_both_formats(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    present = _play(tmp_path, host, """\
    - apt_repository: {repo: "deb [signed-by=/usr/share/keyrings/x.gpg] http://127.0.0.1:9/debian bookworm main", update_cache: false}
      register: one
    - deb822_repository: {name: example, uris: http://127.0.0.1:9/debian, suites: bookworm,
                          components: [main], signed_by: /usr/share/keyrings/x.gpg}
    - debug: {msg: "{{ one.sources_added | join(',') }}"}
""")
    try:
        first = _three_ways(fleet, host, present, 2)
        assert first.host(host)["tasks"][2]["msg"] == "/etc/apt/sources.list.d/127_0_0_1_9_debian.list"
        assert read_file(fleet, host, "/etc/apt/sources.list.d/127_0_0_1_9_debian.list") == \
            "deb [signed-by=/usr/share/keyrings/x.gpg] http://127.0.0.1:9/debian bookworm main\n"
        assert read_file(fleet, host, "/etc/apt/sources.list.d/example.sources") == (
            "Components: main\nX-Repolib-Name: example\nSigned-By: /usr/share/keyrings/x.gpg\n"
            "Suites: bookworm\nTypes: deb\nURIs: http://127.0.0.1:9/debian\n")
    finally:
        absent = _play(tmp_path, host, """\
    - apt_repository: {repo: "deb [signed-by=/usr/share/keyrings/x.gpg] http://127.0.0.1:9/debian/ bookworm main", state: absent, update_cache: false}
    - deb822_repository: {name: example, state: absent}
""")
        gone = corral("apply", absent, "-i", fleet.inventory_path)
        assert gone.code == 0 and gone.changed(host) == 2, explain(gone)
    listing = fleet.exec(host, ["ls", "/etc/apt/sources.list.d"]).stdout
    assert "127_0_0_1" not in listing and "example" not in listing


def test_mount_tmpfs_three_ways(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    on_hosts(fleet, f"rm -rf {ROOT}; mkdir -p {ROOT}; touch {ROOT}/fstab", [host])
    mounted = _play(tmp_path, host, f"""\
    - mount: {{path: {ROOT}/mnt, src: tmpfs, fstype: tmpfs, opts: "size=1m,mode=0755", state: mounted, fstab: {ROOT}/fstab}}
""")
    _three_ways(fleet, host, mounted, 1)
    assert f"tmpfs {ROOT}/mnt tmpfs size=1m,mode=0755 0 0\n" == read_file(fleet, host, f"{ROOT}/fstab")
    assert f" {ROOT}/mnt tmpfs " in read_file(fleet, host, "/proc/mounts")
    absent = _play(tmp_path, host, f"""\
    - mount: {{path: {ROOT}/mnt, state: absent, fstab: {ROOT}/fstab}}
""")
    gone = corral("apply", absent, "-i", fleet.inventory_path)
    assert gone.code == 0 and gone.changed(host) == 1, explain(gone)
    assert f" {ROOT}/mnt " not in read_file(fleet, host, "/proc/mounts")
    assert read_file(fleet, host, f"{ROOT}/fstab") == ""


def test_known_hosts_and_debconf(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    on_hosts(fleet, f"rm -rf {ROOT}; mkdir -p {ROOT}", [host])
    play = _play(tmp_path, host, f"""\
    - known_hosts: {{name: 127.0.0.9, key: "{KEY}", path: {ROOT}/known_hosts}}
    - known_hosts: {{name: 127.0.0.9, key: "{KEY}", path: {ROOT}/hashed, hash_host: true}}
    - debconf: {{name: tzdata, question: tzdata/Areas, vtype: select, value: Europe}}
""")
    try:
        _three_ways(fleet, host, play, 3)
        assert read_file(fleet, host, f"{ROOT}/known_hosts") == KEY + "\n"
        hashed = read_file(fleet, host, f"{ROOT}/hashed")
        assert hashed.startswith("|1|") and hashed.rstrip().endswith(KEY.split(" ", 1)[1])
        shown = fleet.exec(host, ["debconf-show", "tzdata"]).stdout
        assert "tzdata/Areas: Europe" in shown
    finally:
        corral("apply", _play(tmp_path, host, """\
    - debconf: {name: tzdata, question: tzdata/Areas, vtype: select, value: Etc}
"""), "-i", fleet.inventory_path)


def test_timezone_and_locale_gen(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    play = _play(tmp_path, host, """\
    - timezone: {name: "{{ zone }}"}
""")
    original = fleet.exec(host, ["readlink", "-f", "/etc/localtime"]).stdout.strip().split(
        "zoneinfo/", 1)[-1] or "Etc/UTC"
    try:
        check = corral("check", play, "-i", fleet.inventory_path, "-e", "zone=Europe/Paris")
        assert check.code == 2, explain(check)
        run = corral("apply", play, "-i", fleet.inventory_path, "-e", "zone=Europe/Paris")
        assert run.code == 0 and run.changed(host) == 1, explain(run)
        assert fleet.exec(host, ["date", "+%Z"]).stdout.strip() in ("CET", "CEST")
        again = corral("apply", play, "-i", fleet.inventory_path, "-e", "zone=Europe/Paris")
        assert again.changed(host) == 0
    finally:
        corral("apply", play, "-i", fleet.inventory_path, "-e", f"zone={original}")
    locale = _play(tmp_path, host, """\
    - locale_gen: {name: de_DE.UTF-8}
""")
    try:
        check = corral("check", locale, "-i", fleet.inventory_path)
        assert check.code == 2, explain(check)
        assert "de_DE.utf8" not in fleet.exec(host, ["locale", "-a"]).stdout
        made = corral("apply", locale, "-i", fleet.inventory_path)
        assert made.code == 0 and made.changed(host) == 1, explain(made)
        assert "de_DE.utf8" in fleet.exec(host, ["locale", "-a"]).stdout
        again = corral("apply", locale, "-i", fleet.inventory_path)
        assert again.code == 0 and again.changed(host) == 0, explain(again)
    finally:
        corral("apply", _play(tmp_path, host, """\
    - locale_gen: {name: de_DE.UTF-8, state: absent}
"""), "-i", fleet.inventory_path)


def test_user_crontab_three_ways(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    play = _play(tmp_path, host, """\
    - cron: {name: report, job: /usr/local/bin/report, minute: "*/10", user: alice}
""")
    try:
        check = corral("check", play, "-i", fleet.inventory_path)
        assert check.code == 2, explain(check)
        assert "report" not in fleet.exec(host, "crontab -l -u alice 2>&1; true").stdout
        made = corral("apply", play, "-i", fleet.inventory_path)
        assert made.code == 0 and made.changed(host) == 1, explain(made)
        assert fleet.exec(host, ["crontab", "-l", "-u", "alice"]).stdout == (
            "#Ansible: report\n*/10 * * * * /usr/local/bin/report\n")
        again = corral("apply", play, "-i", fleet.inventory_path)
        assert again.code == 0 and again.changed(host) == 0, explain(again)
    finally:
        fleet.exec(host, "crontab -r -u alice; true")
