"""rpm_key on a host of the fleet's multi flavour (which has rpm), and yum_repository on a
Debian host with its own reposdir: change made, second run changed=0, check writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from corral_cli import corral, write_playbook
from engine_support import explain, read_file

pytestmark = pytest.mark.fleet

KEY_FILE = Path(__file__).resolve().parents[1] / "agent" / "modules" / "test_repo_keys.py"


def _key_text() -> str:
    namespace: dict[str, Any] = {}
    source = KEY_FILE.read_text()
    start = source.index('TEST_KEY = """') + len('TEST_KEY = """')
    namespace["key"] = source[start:source.index('"""', start)]
    return str(namespace["key"])


def _three(fleet: Any, host: str, play: Path, state_cmd: str) -> None:
    before = fleet.exec(host, state_cmd).stdout
    check = corral("check", play, "-i", fleet.inventory_path)
    assert check.code == 2, explain(check)
    assert fleet.exec(host, state_cmd).stdout == before
    first = corral("apply", play, "-i", fleet.inventory_path)
    assert first.code == 0 and first.changed(host) == 1, explain(first)
    assert fleet.exec(host, state_cmd).stdout != before
    again = corral("apply", play, "-i", fleet.inventory_path)
    assert again.code == 0 and again.changed(host) == 0, explain(again)


def test_rpm_key_three_ways(multi_fleet: Any, tmp_path: Path) -> None:
    host = multi_fleet.hosts[-1]
    (tmp_path / "files").mkdir()
    (tmp_path / "files/test.asc").write_text(_key_text())
    play = write_playbook(tmp_path, f"""- hosts: {host}
  gather_facts: false
  tasks:
    - copy: {{src: test.asc, dest: /tmp/test.asc}}
      check_mode: false
    - rpm_key: {{key: /tmp/test.asc, fingerprint: BF0D 9B8B BB46 CB4E EA08 EC94 2FF7 E5B1 A810 10D3}}
""")
    try:
        _three(multi_fleet, host, play, "rpm -q gpg-pubkey --qf '%{{VERSION}}\\n' | sort; true")
        listed = multi_fleet.exec(host, "rpm -q gpg-pubkey --qf '%{VERSION}\\n'").stdout
        assert "a81010d3" in listed
        gone = corral("apply", write_playbook(tmp_path, f"""- hosts: {host}
  gather_facts: false
  tasks:
    - rpm_key: {{key: A81010D3, state: absent}}
""", "absent.yml"), "-i", multi_fleet.inventory_path)
        assert gone.code == 0 and gone.changed(host) == 1, explain(gone)
    finally:
        multi_fleet.reset(host)


def test_yum_repository_three_ways(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[0]
    fleet.exec(host, "rm -rf /srv/yum-repos && mkdir -p /srv/yum-repos")
    play = write_playbook(tmp_path, f"""- hosts: {host}
  gather_facts: false
  tasks:
    - yum_repository: {{name: app, description: App, baseurl: "http://127.0.0.1:9/app", gpgcheck: false,
                        reposdir: /srv/yum-repos}}
""")
    _three(fleet, host, play, "cat /srv/yum-repos/*.repo 2>/dev/null; true")
    assert read_file(fleet, host, "/srv/yum-repos/app.repo") == (
        "[app]\nbaseurl = http://127.0.0.1:9/app\ngpgcheck = 0\nname = App\n\n")
