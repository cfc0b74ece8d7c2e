"""apt and package on real Debian hosts of the local fleet, through `corral apply`.

Install, upgrade to latest (corral-demo 1.0 -> 2.0 once the `next` component is enabled),
removal and purge, a version pin, a list in one apt-get call, a .deb built here with
dpkg-deb, the cache, the dpkg lock, an unknown package. Each change: check mode reports it
and leaves the package database untouched, apply makes it, a re-run is changed=0.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.integration.corral_cli import (
    CorralRun,
    apply_on,
    corral,
    host_play,
    task_msgs,
    write_playbook,
)

pytestmark = pytest.mark.fleet

DPKG_STATE = "dpkg-query -W -f='${Package} ${Version} ${Status}\\n'"
APT_GET = "DEBIAN_FRONTEND=noninteractive apt-get install -y -q"


@pytest.fixture
def host(fleet) -> Iterator[str]:
    """A light host, back to a clean image afterwards."""
    name = fleet.light_hosts[-1]
    yield name
    fleet.reset(name)


def _dpkg(fleet, host: str) -> str:
    return fleet.exec(host, DPKG_STATE, check=True).stdout


def _version(fleet, host: str, package: str) -> str:
    done = fleet.exec(host, f"dpkg-query -W -f='${{Version}} ${{db:Status-Abbrev}}' {package}")
    return done.stdout.strip() if done.returncode == 0 else "unknown"


def _triple(fleet, host: str, playbook: Path) -> tuple[CorralRun, CorralRun, CorralRun]:
    """Check mode changes nothing in dpkg's database, apply changes, a re-run is changed=0."""
    before = _dpkg(fleet, host)
    check = apply_on(fleet, host, playbook, "--check")
    assert check.code in (0, 2) and check.changed(host) == 1, check.stdout + check.stderr
    assert _dpkg(fleet, host) == before, "check mode changed the host"
    first = apply_on(fleet, host, playbook)
    assert first.code == 0 and first.changed(host) == 1, first.stdout + first.stderr
    again = apply_on(fleet, host, playbook)
    assert again.code == 0 and again.changed(host) == 0, again.stdout + again.stderr
    return check, first, again


def _apt_runs(fleet, host: str) -> int:
    """apt-get runs that changed packages: Start-Date entries in apt's history log."""
    done = fleet.exec(host, "grep -c '^Start-Date' /var/log/apt/history.log || true")
    return int(done.stdout.strip() or 0)


def test_install_one_package(fleet, host, tmp_path):
    play = host_play(tmp_path, host, "- apt: name=corral-demo\n")
    check, first, again = _triple(fleet, host, play)
    assert task_msgs(check, host) == ["would install corral-demo 1.0"]
    assert task_msgs(first, host) == ["installed corral-demo 1.0"]
    assert task_msgs(again, host) == ["corral-demo 1.0 already installed"]
    assert _version(fleet, host, "corral-demo") == "1.0 ii"
    assert fleet.exec(host, "cat /usr/share/corral-demo/VERSION").stdout == "1.0\n"


def test_upgrade_to_latest_once_next_is_enabled(fleet, host, tmp_path):
    assert fleet.exec(host, f"{APT_GET} corral-demo").returncode == 0
    latest = host_play(tmp_path, host, """\
        - apt:
            name: corral-demo
            state: latest
        """)
    run = apply_on(fleet, host, latest)
    assert task_msgs(run, host) == ["corral-demo 1.0 is already the latest version"]
    assert fleet.exec(host, "corral-fleet-enable-next").returncode == 0
    check, first, again = _triple(fleet, host, latest)
    assert task_msgs(check, host) == ["would upgrade corral-demo 1.0 -> 2.0"]
    assert task_msgs(first, host) == ["upgraded corral-demo 1.0 -> 2.0"]
    assert task_msgs(again, host) == ["corral-demo 2.0 is already the latest version"]
    assert fleet.exec(host, "cat /usr/share/corral-demo/VERSION").stdout == "2.0\n"


def test_remove_keeps_config_then_purge_removes_it(fleet, host, tmp_path):
    assert fleet.exec(host, f"{APT_GET} corral-demo corral-demo-svc").returncode == 0
    remove = host_play(tmp_path, host, "- apt: name=corral-demo-svc state=absent\n")
    check, first, again = _triple(fleet, host, remove)
    assert task_msgs(check, host) == ["would remove corral-demo-svc 1.0"]
    assert task_msgs(again, host) == ["corral-demo-svc is not installed"]
    assert _version(fleet, host, "corral-demo-svc") == "1.0 rc"  # config files remain
    assert fleet.exec(host, "test -f /etc/corral-demo.conf").returncode == 0

    purge = host_play(tmp_path, host, """\
        - apt:
            name: corral-demo-svc
            state: absent
            purge: true
        """, name="purge.yml")
    check, first, again = _triple(fleet, host, purge)
    assert task_msgs(check, host) == ["would purge corral-demo-svc"]
    assert fleet.exec(host, "test -e /etc/corral-demo.conf").returncode == 1
    assert _version(fleet, host, "corral-demo-svc") == "unknown"
    assert _version(fleet, host, "corral-demo") == "1.0 ii"  # the other one untouched


def test_purge_of_an_installed_package(fleet, host, tmp_path):
    assert fleet.exec(host, f"{APT_GET} corral-demo-svc").returncode == 0
    purge = host_play(tmp_path, host, "- apt: name=corral-demo-svc state=removed purge=yes\n")
    check, first, _ = _triple(fleet, host, purge)
    assert task_msgs(first, host) == ["purged corral-demo-svc 1.0"]
    assert check.host(host)["tasks"][0]["status"] == "changed"
    assert fleet.exec(host, "test -e /etc/corral-demo.conf").returncode == 1


def test_version_pin_installs_the_older_version(fleet, host, tmp_path):
    assert fleet.exec(host, "corral-fleet-enable-next").returncode == 0
    pinned = host_play(tmp_path, host, "- apt: name=corral-demo=1.0\n")
    check, first, again = _triple(fleet, host, pinned)
    assert task_msgs(check, host) == ["would install corral-demo 1.0"]
    assert task_msgs(again, host) == ["corral-demo 1.0 already installed"]
    assert _version(fleet, host, "corral-demo") == "1.0 ii"
    # a pin below the installed version is a downgrade: refused unless allowed
    assert fleet.exec(host, f"{APT_GET} corral-demo=2.0").returncode == 0
    refused = apply_on(fleet, host, pinned)
    assert refused.code == 1
    assert "downgrade corral-demo; set allow_downgrade: true" in task_msgs(refused, host)[0]
    allowed = host_play(tmp_path, host, "- apt: name=corral-demo=1.0 allow_downgrade=true\n",
                    name="downgrade.yml")
    check, first, again = _triple(fleet, host, allowed)
    assert task_msgs(first, host) == ["downgraded corral-demo 2.0 -> 1.0"]


def test_a_list_is_one_apt_get_call(fleet, host, tmp_path):
    play = host_play(tmp_path, host, """\
        - apt:
            name: [corral-demo, corral-demo-svc]
          register: result
        - debug:
            var: result.commands
        """)
    runs_before = _apt_runs(fleet, host)
    check, first, _ = _triple(fleet, host, play)
    assert task_msgs(check, host)[0] == "would install corral-demo 1.0, corral-demo-svc 1.0"
    assert task_msgs(first, host)[0] == "installed corral-demo 1.0, corral-demo-svc 1.0"
    assert _apt_runs(fleet, host) == runs_before + 1
    assert first.stdout.count("apt-get -y") == 1, first.stdout  # result.commands, printed


def test_comma_separated_names_and_check_mode_of_a_partial_install(fleet, host, tmp_path):
    assert fleet.exec(host, f"{APT_GET} corral-demo").returncode == 0
    play = host_play(tmp_path, host, "- apt: name=corral-demo,corral-demo-svc\n")
    check, first, again = _triple(fleet, host, play)
    assert task_msgs(check, host) == ["would install corral-demo-svc 1.0"]
    assert task_msgs(again, host) == ["corral-demo 1.0, corral-demo-svc 1.0 already installed"]


def _build_deb(folder: Path, version: str) -> Path:
    root = folder / f"pkg-{version}"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "usr/share/corral-local").mkdir(parents=True)
    (root / "usr/share/corral-local/VERSION").write_text(f"{version}\n")
    (root / "DEBIAN/control").write_text(textwrap.dedent(f"""\
        Package: corral-local
        Version: {version}
        Architecture: all
        Maintainer: corral tests <tests@example.invalid>
        Depends: corral-demo
        Description: a package built by corral's integration tests
        """))
    deb = folder / f"corral-local_{version}_all.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "--build", str(root), str(deb)],
                   check=True, capture_output=True)
    return deb


def _copy_in(fleet, host: str, local: Path, remote: str) -> None:
    import base64
    text = base64.b64encode(local.read_bytes()).decode()
    fleet.exec(host, f"base64 -d > {remote}", input=text, check=True)


def test_deb_file_with_its_dependency(fleet, host, tmp_path):
    _copy_in(fleet, host, _build_deb(tmp_path, "1.0"), "/root/corral-local_1.0_all.deb")
    play = host_play(tmp_path, host, "- apt: deb=/root/corral-local_1.0_all.deb\n")
    check, first, again = _triple(fleet, host, play)
    assert task_msgs(check, host) == ["would install corral-demo 1.0, corral-local 1.0"]
    assert task_msgs(again, host) == ["corral-local 1.0 already installed"]
    assert _version(fleet, host, "corral-local") == "1.0 ii"
    assert fleet.exec(host, "cat /usr/share/corral-local/VERSION").stdout == "1.0\n"
    _copy_in(fleet, host, _build_deb(tmp_path, "1.1"), "/root/corral-local_1.1_all.deb")
    newer = host_play(tmp_path, host, "- apt: deb=/root/corral-local_1.1_all.deb\n", name="newer.yml")
    check, first, _ = _triple(fleet, host, newer)
    assert task_msgs(first, host) == ["upgraded corral-local 1.0 -> 1.1"]


def test_package_module_uses_apt_on_debian(fleet, host, tmp_path):
    install = host_play(tmp_path, host, """\
        - package:
            name: [corral-demo]
            state: present
        """)
    check, first, again = _triple(fleet, host, install)
    assert task_msgs(first, host) == ["installed corral-demo 1.0"]
    assert task_msgs(again, host) == ["corral-demo 1.0 already installed"]
    remove = host_play(tmp_path, host, "- package: name=corral-demo state=absent\n", name="rm.yml")
    check, first, again = _triple(fleet, host, remove)
    assert task_msgs(first, host) == ["removed corral-demo 1.0"]
    assert _version(fleet, host, "corral-demo") != "1.0 ii"


def test_unknown_package_fails_with_apts_message_and_installs_nothing(fleet, host, tmp_path):
    before = _dpkg(fleet, host)
    play = host_play(tmp_path, host, "- apt: name=corral-demo,no-such-package\n")
    for extra in (("--check",), ()):
        run = apply_on(fleet, host, play, *extra)
        assert run.code == 1, run.stdout
        assert "E: Unable to locate package no-such-package" in task_msgs(run, host)[0]
    assert _dpkg(fleet, host) == before


def test_update_cache_is_a_change_when_the_index_moves_and_cache_valid_time_skips_it(
        fleet, host, tmp_path):
    # As ansible-core: a refresh is a change only when the index moved (its lists' mtime)
    update = host_play(tmp_path, host, "- apt: update_cache=yes\n")
    assert apply_on(fleet, host, update).code == 0
    same = apply_on(fleet, host, update)
    assert (same.code, same.changed(host)) == (0, 0)
    assert task_msgs(same, host) == ["the apt cache is up to date"]
    fresh = host_play(tmp_path, host, """\
        - apt:
            name: corral-demo
            cache_valid_time: 3600
        """, name="fresh.yml")
    check, first, again = _triple(fleet, host, fresh)
    assert task_msgs(first, host) == ["installed corral-demo 1.0"]  # no cache update: fresh
    assert task_msgs(again, host) == ["corral-demo 1.0 already installed"]
    fleet.exec(host, "sed -i 's/^Enabled: no/Enabled: yes/' "
                     "/etc/apt/sources.list.d/corral-next.sources", check=True)
    moved = apply_on(fleet, host, update)
    assert (moved.code, moved.changed(host)) == (0, 1)
    assert task_msgs(moved, host) == ["updated the apt cache; nothing to do"]


def test_update_cache_with_a_package_named_is_changed_only_by_the_package(fleet, host, tmp_path):
    play = host_play(tmp_path, host, "- apt: {name: corral-demo, update_cache: yes}\n")
    check, first, again = _triple(fleet, host, play)
    assert task_msgs(first, host) in (["updated the apt cache; installed corral-demo 1.0"],
                                      ["installed corral-demo 1.0"])  # the index may not move
    assert task_msgs(again, host) == ["corral-demo 1.0 already installed"]
    registered = host_play(tmp_path, host, """\
        - apt: {name: corral-demo, update_cache: yes}
          register: r
        - copy:
            dest: /tmp/r.json
            content: "{{ {'changed': r.changed, 'cache_updated': r.cache_updated,
                          'time': r.cache_update_time is number} | to_json }}"
        """, name="registered.yml")
    assert apply_on(fleet, host, registered).code == 0
    assert json.loads(fleet.exec(host, "cat /tmp/r.json", check=True).stdout) == {
        "changed": False, "cache_updated": False, "time": True}  # the index did not move


def test_update_cache_then_latest_sees_the_new_version(fleet, host, tmp_path):
    assert fleet.exec(host, f"{APT_GET} corral-demo").returncode == 0
    # enable `next` without refreshing the lists: only update_cache makes 2.0 visible
    fleet.exec(host, "sed -i 's/^Enabled: no/Enabled: yes/' "
                     "/etc/apt/sources.list.d/corral-next.sources", check=True)
    play = host_play(tmp_path, host, """\
        - apt:
            name: corral-demo
            state: latest
            update_cache: true
        """)
    run = apply_on(fleet, host, play)
    assert task_msgs(run, host) == ["updated the apt cache; upgraded corral-demo 1.0 -> 2.0"]
    assert _version(fleet, host, "corral-demo") == "2.0 ii"


def test_waits_for_the_dpkg_lock(fleet, host, tmp_path):
    hold = ("import fcntl, time; f = open('/var/lib/dpkg/lock-frontend', 'w'); "
            "fcntl.lockf(f, fcntl.LOCK_EX); open('/tmp/locked', 'w').close(); time.sleep(3)")
    fleet.exec(host, f'nohup python3 -c "{hold}" >/dev/null 2>&1 &', check=True)
    deadline = time.monotonic() + 10
    while fleet.exec(host, "test -e /tmp/locked").returncode != 0:
        assert time.monotonic() < deadline, "the lock holder did not start"
        time.sleep(0.1)
    started = time.monotonic()
    run = apply_on(fleet, host, host_play(tmp_path, host, "- apt: name=corral-demo lock_timeout=30\n"))
    assert run.code == 0, run.stdout
    assert time.monotonic() - started >= 1.5  # it waited for the holder
    assert _version(fleet, host, "corral-demo") == "1.0 ii"


def test_install_on_every_host_at_once(fleet, tmp_path):
    hosts = fleet.hosts
    play = write_playbook(tmp_path, textwrap.dedent("""\
        - hosts: all
          gather_facts: false
          tasks:
            - apt: name=corral-demo
        """))
    try:
        started = time.monotonic()
        run = corral("apply", play, "-i", fleet.inventory_path)
        elapsed = time.monotonic() - started
        assert run.code == 0, run.stdout + run.stderr
        assert all(run.changed(h) == 1 for h in hosts)
        assert all(_version(fleet, h, "corral-demo") == "1.0 ii" for h in hosts)
        print(f"corral-demo installed on {len(hosts)} hosts in {elapsed:.2f}s")
    finally:
        for name in hosts:
            fleet.exec(name, "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q corral-demo")


def _enable_next(fleet, host: str) -> None:
    """Make corral-demo 2.0 available (the `next` component), lists refreshed."""
    fleet.exec(host, "sed -i 's/^Enabled: no/Enabled: yes/' "
                     "/etc/apt/sources.list.d/corral-next.sources && apt-get -q update",
               check=True)


def test_upgrade_dist_upgrades_every_installed_package(fleet, host, tmp_path):
    assert fleet.exec(host, f"{APT_GET} corral-demo").returncode == 0
    _enable_next(fleet, host)
    play = host_play(tmp_path, host, "- apt: {upgrade: dist}\n")
    check, first, again = _triple(fleet, host, play)
    assert task_msgs(check, host) == ["would upgrade corral-demo 1.0 -> 2.0"]
    assert task_msgs(first, host) == ["upgraded corral-demo 1.0 -> 2.0"]
    assert _version(fleet, host, "corral-demo") == "2.0 ii"


def test_only_upgrade_never_installs(fleet, host, tmp_path):
    _enable_next(fleet, host)
    play = host_play(tmp_path, host, "- apt: {name: corral-demo, state: latest, only_upgrade: yes}\n")
    run = apply_on(fleet, host, play)
    assert (run.code, run.changed(host)) == (0, 0), run.stdout
    assert _version(fleet, host, "corral-demo") == "unknown"
    assert fleet.exec(host, f"{APT_GET} corral-demo=1.0").returncode == 0
    check, first, again = _triple(fleet, host, play)
    assert task_msgs(first, host) == ["upgraded corral-demo 1.0 -> 2.0"]


def test_clean_empties_the_archive_once(fleet, host, tmp_path):
    fleet.exec(host, "cp /srv/corral-repo/main/*.deb /var/cache/apt/archives/", check=True)
    play = host_play(tmp_path, host, "- apt: {clean: yes}\n")
    check, first, again = _triple(fleet, host, play)
    assert task_msgs(first, host) == ["ran apt-get clean"]
    assert fleet.exec(host, "ls /var/cache/apt/archives/*.deb").returncode != 0


def test_policy_rc_d_is_there_only_during_the_run(fleet, host, tmp_path):
    fleet.exec(host, "printf '#!/bin/sh\\nexit 0\\n' > /usr/sbin/policy-rc.d", check=True)
    play = host_play(tmp_path, host, """\
        - apt: {name: corral-demo, policy_rc_d: 101}
        """)
    _triple(fleet, host, play)
    assert fleet.exec(host, "cat /usr/sbin/policy-rc.d").stdout == "#!/bin/sh\nexit 0\n"
    assert fleet.exec(host, "ls /usr/sbin/policy-rc.d.corral-saved").returncode != 0


def test_package_passes_backend_arguments_or_fails_on_that_host(fleet, host, tmp_path):
    play = host_play(tmp_path, host, """\
        - package: {name: corral-demo, install_recommends: no, update_cache: yes}
        """)
    check, first, again = _triple(fleet, host, play)
    assert task_msgs(first, host)[0].endswith("installed corral-demo 1.0")
    redhat = host_play(tmp_path, host, "- package: {name: corral-demo, enablerepo: epel}\n",
                       name="redhat.yml")
    run = apply_on(fleet, host, redhat)
    assert run.code == 1, run.stdout
    assert task_msgs(run, host) == ["enablerepo: not an argument of apt, the package manager "
                                    "of this host; package passes it only to dnf, yum"]


# --- apt resolves the index once: which apt-get runs each path costs -------------------

APT_GET_LOG = "/tmp/apt-get.calls"
APT_GET_SHIM = f"""#!/bin/sh
echo "$*" >> {APT_GET_LOG}
exec /usr/bin/apt-get "$@"
"""


@pytest.fixture
def counted(fleet, host) -> str:
    """``host`` with an apt-get on PATH that logs its arguments, then runs the real one."""
    fleet.exec(host, "cat > /usr/local/bin/apt-get && chmod 755 /usr/local/bin/apt-get",
               input=APT_GET_SHIM, check=True)
    return host


def _apt_get_calls(fleet, host: str) -> list[str]:
    """The apt-get runs since the last call, as simulate/install/update/… words."""
    done = fleet.exec(host, f"cat {APT_GET_LOG} 2>/dev/null; rm -f {APT_GET_LOG}")
    calls = []
    for line in done.stdout.splitlines():
        words = line.split()
        verb = next(w for w in reversed(words) if w in (
            "install", "remove", "purge", "update", "upgrade", "dist-upgrade", "autoremove"))
        calls.append(("simulate " if "-s" in words else "") + verb)
    return calls


def _counted_triple(fleet, host: str, playbook: Path) -> tuple[list[str], list[str], list[str]]:
    """The check/apply/re-run triple, and the apt-get runs of each."""
    _apt_get_calls(fleet, host)
    before = _dpkg(fleet, host)
    check = apply_on(fleet, host, playbook, "--check")
    assert check.code in (0, 2) and check.changed(host) == 1, check.stdout + check.stderr
    assert _dpkg(fleet, host) == before, "check mode changed the host"
    in_check = _apt_get_calls(fleet, host)
    first = apply_on(fleet, host, playbook)
    assert first.code == 0 and first.changed(host) == 1, first.stdout + first.stderr
    in_apply = _apt_get_calls(fleet, host)
    again = apply_on(fleet, host, playbook)
    assert again.code == 0 and again.changed(host) == 0, again.stdout + again.stderr
    return in_check, in_apply, _apt_get_calls(fleet, host)


def test_missing_package_is_one_apt_get_run_and_a_present_one_none(fleet, counted, tmp_path):
    play = host_play(tmp_path, counted, "- apt: name=corral-demo,corral-demo-svc\n")
    in_check, in_apply, in_rerun = _counted_triple(fleet, counted, play)
    assert in_check == ["simulate install"]  # check mode reports apt's own plan
    assert in_apply == ["install"]  # no simulation before the real run
    assert in_rerun == []  # present: dpkg-query decides it


def test_dependencies_are_read_back_from_the_one_run(fleet, counted, tmp_path):
    _copy_in(fleet, counted, _build_deb(tmp_path, "1.0"), "/root/corral-local_1.0_all.deb")
    play = host_play(tmp_path, counted, """\
        - apt: deb=/root/corral-local_1.0_all.deb
          register: r
        - copy: {dest: /tmp/r.json, content: "{{ r.packages | to_json }}"}
        """)
    _apt_get_calls(fleet, counted)
    first = apply_on(fleet, counted, play)
    assert task_msgs(first, counted)[0] == "installed corral-demo 1.0, corral-local 1.0"
    assert _apt_get_calls(fleet, counted) == ["install"]
    assert json.loads(fleet.exec(counted, "cat /tmp/r.json", check=True).stdout) == [
        {"name": "corral-demo", "before": "absent", "after": "1.0"},
        {"name": "corral-local", "before": "absent", "after": "1.0"}]


def test_pinned_version_missing_then_present(fleet, counted, tmp_path):
    fleet.exec(counted, "corral-fleet-enable-next", check=True)
    play = host_play(tmp_path, counted, "- apt: name=corral-demo=1.0\n")
    in_check, in_apply, in_rerun = _counted_triple(fleet, counted, play)
    assert (in_check, in_apply, in_rerun) == (["simulate install"], ["install"], [])
    assert _version(fleet, counted, "corral-demo") == "1.0 ii"  # not 2.0, the candidate


def test_latest_of_the_newest_version_needs_no_apt_get(fleet, counted, tmp_path):
    play = host_play(tmp_path, counted, "- apt: {name: corral-demo, state: latest}\n")
    in_check, in_apply, in_rerun = _counted_triple(fleet, counted, play)
    assert (in_check, in_apply) == (["simulate install"], ["install"])  # missing: installed
    assert in_rerun == []  # installed at apt's candidate (apt-cache policy): nothing newer
    fleet.exec(counted, "corral-fleet-enable-next", check=True)
    in_check, in_apply, in_rerun = _counted_triple(fleet, counted, play)
    assert in_check == ["simulate install"]
    assert in_apply == ["simulate install", "install"]  # an upgrade: planned, then done
    assert in_rerun == []
    assert _version(fleet, counted, "corral-demo") == "2.0 ii"


def test_remove_is_one_apt_get_run(fleet, counted, tmp_path):
    assert fleet.exec(counted, f"{APT_GET} corral-demo corral-demo-svc").returncode == 0
    play = host_play(tmp_path, counted, "- apt: name=corral-demo-svc state=absent purge=yes\n")
    in_check, in_apply, in_rerun = _counted_triple(fleet, counted, play)
    assert (in_check, in_apply, in_rerun) == (["simulate purge"], ["purge"], [])
    assert _version(fleet, counted, "corral-demo-svc") == "unknown"


def test_cache_valid_time_skips_a_fresh_cache_and_refreshes_a_stale_one(fleet, counted, tmp_path):
    fleet.exec(counted, "apt-get -q update", check=True)
    fresh = host_play(tmp_path, counted, "- apt: {name: corral-demo, cache_valid_time: 3600}\n")
    in_check, in_apply, in_rerun = _counted_triple(fleet, counted, fresh)
    assert (in_check, in_apply, in_rerun) == (["simulate install"], ["install"], [])
    fleet.exec(counted, "touch -d '2 hours ago' /var/lib/apt/lists /var/lib/apt/lists/partial",
               check=True)
    stale = apply_on(fleet, counted, fresh)
    assert (stale.code, stale.changed(counted)) == (0, 0), stale.stdout
    assert _apt_get_calls(fleet, counted) == ["update"]  # refreshed; the package is present
    again = apply_on(fleet, counted, fresh)
    assert (again.changed(counted), _apt_get_calls(fleet, counted)) == (0, [])  # fresh now
