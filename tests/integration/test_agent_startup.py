"""Starting the agent on a real host: isolated from the login user's files, and a
missing interpreter said in words.

alice (a sudoer with a password) plants Python files where an interpreter would
import them from: her home (the working directory sudo keeps), her user site
folder, and a PYTHONPATH her .bashrc exports. Each planted file, if imported,
leaves a marker file in /tmp naming the uid that imported it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from corral_cli import corral, host_play
from engine_support import explain, task, write_inventory

pytestmark = pytest.mark.fleet

PLANTED = ("base64", "json", "zlib", "sitecustomize", "usercustomize")
MARKERS = "/tmp/corral-planted-"

PLANT = r"""
set -e
rm -f {markers}*
site=$(su alice -c 'python3 -c "import site; print(site.getusersitepackages())"')
for dir in /home/alice "$site" /home/alice/pypath; do
  mkdir -p "$dir"
  for mod in {modules}; do
    printf 'import os\nopen("{markers}%s-%%d" %% os.getuid(), "w").write(__file__)\n' \
      "$mod" > "$dir/$mod.py"
  done
done
sed -i '1i export PYTHONPATH=/home/alice/pypath PYTHONUSERBASE=/home/alice/.local' \
  /home/alice/.bashrc
chown -R alice:alice /home/alice
"""

TASKS = """\
- name: as root
  command: id -un
  become: true
  register: root
- name: where root runs
  command: pwd
  become: true
  register: root_pwd
- name: as alice
  command: id -un
  register: login
- name: result
  debug: {msg: "{{ root.stdout }} {{ login.stdout }} {{ root_pwd.stdout }}"}
"""


@pytest.fixture
def planted(fleet: Any) -> Any:
    host = fleet.light_hosts[-1]
    script = PLANT.format(markers=MARKERS, modules=" ".join(PLANTED))
    done = fleet.exec(host, script)
    assert done.returncode == 0, done.stderr
    # the plant works: a plain interpreter started in alice's home imports her files
    probe = fleet.ssh(host, "python3 -c 'import base64' && ls /tmp", user="alice")
    assert "corral-planted-base64-1001" in probe.stdout, probe.stdout + probe.stderr
    fleet.exec(host, f"rm -f {MARKERS}*")
    yield host
    fleet.reset(host)


def _markers(fleet: Any, host: str) -> list[str]:
    return fleet.exec(host, f"ls {MARKERS}* 2>/dev/null").stdout.split()


@pytest.mark.parametrize("interpreter", [None, "/usr/bin/python3"])
def test_agents_import_nothing_of_the_login_users(fleet: Any, tmp_path: Path, planted: str,
                                                  interpreter: str | None) -> None:
    extra = {"ansible_python_interpreter": interpreter} if interpreter else {}
    inventory = write_inventory(tmp_path / "alice.yml", fleet, [planted], group_vars={
        "ansible_user": "alice", "ansible_become_password": "alice-secret", **extra})
    run = corral("apply", host_play(tmp_path, planted, TASKS), "-i", inventory)
    assert run.code == 0, explain(run)
    assert _markers(fleet, planted) == []
    # modules still run in the folder the login left them in, as under Ansible
    assert task(run, planted, "result")["msg"] == "root alice /home/alice"


def _unreachable_msg(fleet: Any, tmp_path: Path, host: str, **group_vars: Any) -> str:
    inventory = write_inventory(tmp_path / "inv.yml", fleet, [host], group_vars=group_vars)
    run = corral("apply", host_play(tmp_path, host, "- ping:\n"), "-i", inventory)
    assert run.code == 3, explain(run)
    assert run.host(host)["unreachable"]
    msg: str = run.host(host)["tasks"][0]["msg"]
    assert msg in run.stdout
    return msg


def test_a_missing_interpreter_is_named(fleet: Any, tmp_path: Path) -> None:
    msg = _unreachable_msg(fleet, tmp_path, fleet.light_hosts[0],
                           ansible_python_interpreter="/usr/bin/python9")
    assert "ansible_python_interpreter /usr/bin/python9 was not found on the host" in msg


def test_a_host_without_python3_is_said_in_words(fleet: Any, tmp_path: Path) -> None:
    host = fleet.light_hosts[-1]
    hide = "mv /usr/bin/python3 /usr/bin/python3.hidden"
    assert fleet.exec(host, hide).returncode == 0
    try:
        msg = _unreachable_msg(fleet, tmp_path, host)
    finally:
        fleet.exec(host, "mv /usr/bin/python3.hidden /usr/bin/python3")
    assert "no Python was found on the host (looked for python3" in msg
    assert "install python3" in msg


SITE_MODULE = '''
import os

from corral.modules._api import Arg, Change, Plan

ARGS = {"path": Arg("path", required=True)}


def inspect(ctx, args):
    return os.path.exists(args["path"])


def plan(ctx, args, current):
    if current:
        return Plan(reason="%s already exists" % args["path"])
    return Plan([Change("exists", False, True)])


def apply(ctx, args, plan):
    import apt_pkg  # python3-apt, in the host's dist-packages: on sys.path only through site

    with open(args["path"], "w") as handle:
        handle.write(apt_pkg.VERSION)
'''


def test_a_users_module_imports_from_the_hosts_site_packages(fleet: Any, tmp_path: Path) -> None:
    """The agent starts without site (-S); a module from the playbook's modules/ still
    finds what the host installed, as under a plain python3 (built-ins need only the stdlib)."""
    host = fleet.light_hosts[0]
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "uses_apt_pkg.py").write_text(SITE_MODULE)
    target = "/tmp/corral-site-module"
    fleet.exec(host, f"rm -f {target}")
    play = host_play(tmp_path, host, f"- uses_apt_pkg: {{path: {target}}}\n")
    inventory = write_inventory(tmp_path / "inv.yml", fleet, [host])
    check = corral("apply", play, "-i", inventory, "--check")
    assert check.code == 2 and check.host(host)["changed"] == 1, explain(check)  # drift
    assert fleet.exec(host, f"test -e {target}").returncode == 1
    first = corral("apply", play, "-i", inventory)
    assert first.code == 0 and first.host(host)["changed"] == 1, explain(first)
    assert fleet.exec(host, f"cat {target}").stdout.strip()
    again = corral("apply", play, "-i", inventory)
    assert again.code == 0 and again.host(host)["changed"] == 0, explain(again)
