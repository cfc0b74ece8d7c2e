"""get_url, uri and unarchive on fleet hosts against an HTTP(S) server on 127.0.0.1:
the change is made, a second run changes nothing (and downloads nothing when a checksum
decides), check mode writes nothing; bad checksums, bad statuses and escaping archive
members fail clearly and change nothing."""

from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corral_cli import CorralRun, corral, write_playbook
from engine_support import explain, host_root, on_hosts, read_file, remove_on_hosts, stat_line
from web_server import WebServer

pytestmark = pytest.mark.fleet

ROOT = host_root("deploy_fetch")
RELEASE = b"#!/bin/sh\necho app 1.0\n"


def _tar(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o755 if name.endswith("run") else 0o644, 1700000000
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname, info.mtime = tarfile.SYMTYPE, target, 1700000000
            tar.addfile(info)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, fleet: Any) -> Iterator[WebServer]:
    folder = tmp_path_factory.mktemp("www")
    (folder / "release.sh").write_bytes(RELEASE)
    _tar(folder / "app-1.0.tar.gz", {"app-1.0/bin/run": RELEASE, "app-1.0/conf/app.conf": b"port=80\n"},
         {"app-1.0/current": "conf"})
    with zipfile.ZipFile(folder / "site.zip", "w") as z:
        z.writestr("index.html", "<h1>hi</h1>\n")
        z.writestr("css/site.css", "body{}\n")
    _tar(folder / "evil.tar.gz", {"ok.txt": b"ok\n", "../escaped.txt": b"bad\n"})
    on_hosts(fleet, f"rm -rf {ROOT}; mkdir -p {ROOT}/unpack {ROOT}/site {ROOT}/evil {ROOT}/strip")
    with WebServer(folder) as server:
        yield server
    remove_on_hosts(fleet, ROOT)


def _play(tmp_path: Path, host: str, tasks: str, name: str = "play.yml") -> Path:
    return write_playbook(tmp_path, f"- hosts: {host}\n  gather_facts: false\n  tasks:\n{tasks}", name)


def _apply(fleet: Any, play: Path, *extra: str) -> CorralRun:
    return corral("apply", play, "-i", fleet.inventory_path, *extra)


def test_get_url_three_ways_and_checksum_skips_the_download(fleet: Any, web: WebServer,
                                                            tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    sha = hashlib.sha256(RELEASE).hexdigest()
    play = _play(tmp_path, host, f"""\
    - get_url: {{url: "{web.url('/release.sh')}", dest: {ROOT}/release.sh, mode: "0750",
                 checksum: "sha256:{sha}"}}
      register: got
    - debug: {{msg: "{{{{ got.dest }}}} {{{{ got.mode }}}} {{{{ got.size }}}}"}}
      when: not ansible_check_mode
""")
    check = corral("check", play, "-i", fleet.inventory_path)
    assert check.code == 2 and "release.sh" not in fleet.exec(host, ["ls", ROOT]).stdout
    first = _apply(fleet, play)
    assert first.code == 0 and first.changed(host) == 1, explain(first)
    assert read_file(fleet, host, f"{ROOT}/release.sh") == RELEASE.decode()
    assert stat_line(fleet, host, f"{ROOT}/release.sh") == "f 750 root root"
    assert first.host(host)["tasks"][1]["msg"] == f"{ROOT}/release.sh 0750 {len(RELEASE)}"
    downloads = web.hits["/release.sh"]
    again = _apply(fleet, play)
    assert again.code == 0 and again.changed(host) == 0, explain(again)
    assert web.hits["/release.sh"] == downloads  # the checksum decided: nothing downloaded


def test_get_url_bad_checksum_keeps_the_old_file(fleet: Any, web: WebServer, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    on_hosts(fleet, f"echo old > {ROOT}/keep.sh", [host])
    play = _play(tmp_path, host, f"""\
    - get_url: {{url: "{web.url('/release.sh')}", dest: {ROOT}/keep.sh, force: true,
                 checksum: "sha256:{'0' * 64}"}}
""")
    run = _apply(fleet, play)
    assert run.code == 1
    msg = run.host(host)["tasks"][0]["msg"]
    assert f"did not match sha256:{'0' * 64}" in msg and hashlib.sha256(RELEASE).hexdigest() in msg
    assert read_file(fleet, host, f"{ROOT}/keep.sh") == "old\n"
    assert ".corral-get_url" not in fleet.exec(host, ["ls", "-a", ROOT]).stdout


def test_uri_health_checks_and_api_calls(fleet: Any, web: WebServer, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    play = _play(tmp_path, host, f"""\
    - uri: {{url: "{web.url('/json')}", return_content: true}}
      register: health
      until: health.json.status == 'healthy'
      retries: 3
      delay: 0
    - uri: {{url: "{web.url('/echo')}", method: POST, body: {{a: 1}}, body_format: json, status_code: [201],
             return_content: true}}
      register: posted
    - uri: {{url: "{web.url('/auth/x')}", url_username: user, url_password: secret}}
      register: authed
    - uri: {{url: "{web.url('/status/503')}"}}
      register: down
      ignore_errors: true
    - debug:
        msg: "{{{{ health.status }}}} {{{{ health.json.version }}}} {{{{ posted.json.got }}}} {{{{ posted.json.type }}}} {{{{ authed.status }}}} {{{{ down.status }}}} {{{{ health.content_type }}}}"
""")
    run = _apply(fleet, play)
    assert run.code == 0, explain(run)
    tasks = run.host(host)["tasks"]
    assert [t["status"] for t in tasks[:3]] == ["ok", "ok", "ok"]
    assert "Status code was 503 and not [200]: HTTP Error 503" in tasks[3]["msg"]
    assert tasks[4]["msg"] == '200 1.0 {"a": 1} application/json 200 503 application/json'
    check = corral("check", play, "-i", fleet.inventory_path)
    assert [t["status"] for t in check.host(host)["tasks"][:3]] == ["skipped"] * 3


def test_uri_validates_certificates(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    (tmp_path / "www").mkdir()
    with WebServer(tmp_path / "www", tls=True) as tls:
        play = _play(tmp_path, host, f"""\
    - uri: {{url: "{tls.url('/json')}"}}
      ignore_errors: true
    - uri: {{url: "{tls.url('/json')}", validate_certs: false}}
""")
        run = _apply(fleet, play)
    tasks = run.host(host)["tasks"]
    assert "certificate verify failed" in tasks[0]["msg"].lower()
    assert tasks[1]["status"] == "ok", tasks[1]


def test_unarchive_three_ways(fleet: Any, web: WebServer, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    (tmp_path / "files").mkdir()
    (tmp_path / "files/app.tar.gz").write_bytes(_read_served(web, "/app-1.0.tar.gz"))
    play = _play(tmp_path, host, f"""\
    - unarchive: {{src: app.tar.gz, dest: {ROOT}/unpack, owner: deploy}}
    - unarchive: {{src: "{web.url('/site.zip')}", dest: {ROOT}/site, remote_src: true, list_files: true}}
      register: site
    - unarchive: {{src: app.tar.gz, dest: {ROOT}/strip, extra_opts: [--strip-components=1]}}
    - debug: {{msg: "{{{{ site.files | sort | join(',') }}}}"}}
      when: not ansible_check_mode
""")
    check = corral("check", play, "-i", fleet.inventory_path)
    assert check.code == 2, explain(check)
    assert fleet.exec(host, ["ls", f"{ROOT}/unpack"]).stdout == ""
    first = _apply(fleet, play)
    assert first.code == 0 and first.changed(host) == 3, explain(first)
    assert read_file(fleet, host, f"{ROOT}/unpack/app-1.0/bin/run") == RELEASE.decode()
    assert stat_line(fleet, host, f"{ROOT}/unpack/app-1.0/bin/run") == "f 755 deploy root"
    assert fleet.exec(host, ["readlink", f"{ROOT}/unpack/app-1.0/current"]).stdout.strip() == "conf"
    assert read_file(fleet, host, f"{ROOT}/site/css/site.css") == "body{}\n"
    assert read_file(fleet, host, f"{ROOT}/strip/conf/app.conf") == "port=80\n"
    assert first.host(host)["tasks"][3]["msg"] == "css/site.css,index.html"
    again = _apply(fleet, play)
    assert again.code == 0 and again.changed(host) == 0, explain(again)
    on_hosts(fleet, f"echo changed > {ROOT}/unpack/app-1.0/conf/app.conf", [host])
    drift = corral("check", play, "-i", fleet.inventory_path)
    assert [t["status"] for t in drift.host(host)["tasks"]][:3] == ["changed", "ok", "ok"]


def test_unarchive_refuses_members_outside_dest(fleet: Any, web: WebServer, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    play = _play(tmp_path, host, f"""\
    - unarchive: {{src: "{web.url('/evil.tar.gz')}", dest: {ROOT}/evil, remote_src: true}}
""")
    run = _apply(fleet, play)
    assert run.code == 1
    assert "would be written outside" in run.host(host)["tasks"][0]["msg"]
    assert fleet.exec(host, ["ls", f"{ROOT}/evil"]).stdout == ""
    assert "escaped.txt" not in fleet.exec(host, ["ls", ROOT]).stdout


def _read_served(web: WebServer, path: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(web.url(path)) as reply:
        return bytes(reply.read())
