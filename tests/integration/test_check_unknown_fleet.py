"""Issue 13's "Done when" on a real systemd host of the fleet: a play installs a package,
registers a read-only probe, templates a file with the probe's output and starts the
package's service. Check on a fresh host: the install is `changed`, what depends on it is
`unknown` with the reason, exit 2 (drift), and the host is untouched; apply for real
succeeds; a check of the converged host exits 0 with nothing changed or unknown. A service
whose unit nothing pending brings stays a failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.fleet

REASON = "depends on 'install the service', which would change"
PLAY = """\
- hosts: {host}
  tasks:
    - name: install the service
      apt: {{name: [corral-demo, corral-demo-svc], state: present}}
    # the demo packages have no program answering --version: the probe reads the
    # package's VERSION file from the package's folder
    - name: probe the version
      command: head -n 1 VERSION
      args: {{chdir: /usr/share/corral-demo}}
      register: version
      changed_when: false
      check_mode: false
    - name: configure it
      template: {{src: demo.conf.j2, dest: /etc/corral-demo.conf}}
    - name: start it
      systemd: {{name: corral-demo, state: started, enabled: true}}
"""


@pytest.fixture
def fresh_host(fleet) -> Iterator[str]:
    host = fleet.systemd_hosts[0]
    fleet.reset(host)
    yield host
    fleet.reset(host)


def _corral(*args: str | Path, folder: Path) -> tuple[int, str, dict]:
    report = folder / "report.json"
    report.unlink(missing_ok=True)
    env = {**os.environ, "CORRAL_HISTORY": str(folder / "history.db")}
    words = [*map(str, args)]
    if words[0] in ("apply", "check"):
        words += ["--report", str(report)]
    proc = subprocess.run([sys.executable, "-m", "corral", *words], text=True,
                          capture_output=True, timeout=300, env=env)
    data = json.loads(report.read_text()) if report.exists() else {}
    return proc.returncode, proc.stdout + proc.stderr, data


def _tasks(report: dict, host: str) -> dict[str, dict]:
    return {t["name"]: t for t in report["hosts"][host]["tasks"] if t["module"] != "gather_facts"}


def test_install_probe_template_start(fleet, fresh_host, tmp_path):
    host = fresh_host
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/demo.conf.j2").write_text("message=version {{ version.stdout }}\n")
    play = tmp_path / "site.yml"
    play.write_text(PLAY.format(host=host))
    inventory = ("-i", fleet.inventory_path, "--limit", host)

    code, out, report = _corral("check", play, *inventory, folder=tmp_path)
    assert code == 2, out
    tasks = _tasks(report, host)
    assert tasks["install the service"]["status"] == "changed", out
    for name in ("probe the version", "configure it", "start it"):
        assert (tasks[name]["status"], tasks[name]["msg"]) == ("unknown", REASON), out
        assert tasks[name]["depends_on"] == "install the service"
    assert report["hosts"][host]["failed"] == 0 and report["hosts"][host]["unknown"] == 3
    assert report["drifted"] == [host]
    assert "unknown=3" in out and "UnsafeDict" not in out
    untouched = fleet.exec(host, "dpkg -s corral-demo-svc; test -e /etc/corral-demo.conf")
    assert untouched.returncode != 0, "check mode installed or wrote something"
    code, drift_out, _ = _corral("drift", "--json", folder=tmp_path)
    (entry,) = json.loads(drift_out)
    assert (code, entry["host"], entry["state"]) == (2, host, "drifting"), drift_out

    code, out, report = _corral("apply", play, *inventory, folder=tmp_path)
    assert code == 0, out
    active = fleet.exec(host, "systemctl is-active corral-demo; cat /run/corral-demo/active.conf")
    assert active.stdout == "active\nmessage=version 1.0\n", active.stdout + active.stderr

    code, out, report = _corral("apply", play, *inventory, folder=tmp_path)
    assert (code, report["hosts"][host]["changed"]) == (0, 0), out
    code, out, report = _corral("check", play, *inventory, folder=tmp_path)
    counts = report["hosts"][host]
    assert (code, counts["changed"], counts["unknown"], counts["failed"]) == (0, 0, 0, 0), out
    code, drift_out, _ = _corral("drift", "--json", folder=tmp_path)
    assert json.loads(drift_out)[0]["state"] == "in_sync", drift_out


def test_a_unit_nothing_pending_brings_is_not_unknown(fleet, fresh_host, tmp_path):
    play = tmp_path / "site.yml"
    play.write_text(f"""- hosts: {fresh_host}
  gather_facts: false
  tasks:
    - name: unrelated folder
      file: {{path: /srv/unrelated, state: directory}}
    - name: start it
      systemd: {{name: corral-no-such-unit, state: started}}
""")
    code, out, report = _corral("check", play, "-i", fleet.inventory_path, "--limit",
                                fresh_host, folder=tmp_path)
    step = _tasks(report, fresh_host)["start it"]
    # check mode keeps the module's own prediction (an earlier task may install it) …
    assert step["status"] == "changed" and "not found" in step["msg"], out
    # … and apply fails, as the real run of the unit would
    code, out, report = _corral("apply", play, "-i", fleet.inventory_path, "--limit",
                                fresh_host, folder=tmp_path)
    assert code == 1 and _tasks(report, fresh_host)["start it"]["status"] == "failed", out
