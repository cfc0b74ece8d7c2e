"""dnf/yum backend: command lines, dnf 4 / dnf 5 / yum transaction tables, rpm -q answers."""

import pytest

from corral.modules._pkg_common import ABSENT, Installed
from corral.modules._pkg_dnf import Dnf, parse_transaction
from corral.modules._pkg_rpm import installed_fields, parse_rpm_query, pin_names, spec_matches

DNF4_INSTALL = """\
Last metadata expiration check: 0:10:13 ago on Mon 01 Jan 2024 10:00:00 AM UTC.
Dependencies resolved.
================================================================================
 Package                 Architecture  Version               Repository   Size
================================================================================
Installing:
 tmux                    x86_64        3.2a-4.el9            baseos      474 k
Upgrading:
 curl                    x86_64        7.76.1-26.el9_3.2     baseos      294 k
Installing dependencies:
 libevent                x86_64        2.1.12-6.el9          baseos      262 k
 python3-a-very-long-package-name-that-wraps
                         noarch        1.2.3-1.el9           appstream    10 k
Installing weak dependencies:
 tmux-docs               noarch        3.2a-4.el9            baseos       12 k

Transaction Summary
================================================================================
Install  4 Packages
Upgrade  1 Package

Total download size: 1.0 M
Operation aborted.
"""

DNF4_REMOVE = """\
Dependencies resolved.
================================================================================
 Package         Arch          Version              Repository            Size
================================================================================
Removing:
 tmux            x86_64        3.2a-4.el9           @baseos              1.1 M
Removing unused dependencies:
 libevent        x86_64        2.1.12-6.el9         @baseos              907 k

Transaction Summary
================================================================================
Remove  2 Packages

Freed space: 2.0 M
Operation aborted.
"""

DNF5_UPGRADE = """\
Updating and loading repositories:
Repositories loaded.
Package                  Arch    Version             Repository      Size
Upgrading:
 curl                    x86_64  8.6.0-8.fc40        updates    450.7 KiB
   replacing curl        x86_64  8.6.0-7.fc40        fedora     450.7 KiB
Installing:
 tmux                    x86_64  3.4-1.fc40          fedora       1.1 MiB
Downgrading:
 vim-minimal             x86_64  2:9.1.0-1.fc40      fedora       1.6 MiB
   replacing vim-minimal x86_64  2:9.1.1-1.fc40      updates      1.6 MiB

Transaction Summary:
 Installing:         1 package
 Upgrading:          1 package
 Downgrading:        1 package
 Replacing:          2 packages
Operation aborted by the user.
"""

YUM_INSTALL = """\
Resolving Dependencies
--> Running transaction check
---> Package tmux.x86_64 0:1.8-4.el7 will be installed
--> Finished Dependency Resolution

Dependencies Resolved

================================================================================
 Package        Arch             Version               Repository        Size
================================================================================
Installing:
 tmux           x86_64           1.8-4.el7             base             243 k
Updating for dependencies:
 glibc          x86_64           2.17-326.el7_9        updates          3.6 M

Transaction Summary
================================================================================
Install  1 Package
Upgrade             ( 1 Dependent package)
Exiting on user command
"""


@pytest.mark.parametrize("text,installed,expected", [
    (DNF4_INSTALL, {"curl": Installed("curl", "7.76.1-26.el9")}, [
        ("tmux", ABSENT, "3.2a-4.el9"), ("curl", "7.76.1-26.el9", "7.76.1-26.el9_3.2"),
        ("libevent", ABSENT, "2.1.12-6.el9"),
        ("python3-a-very-long-package-name-that-wraps", ABSENT, "1.2.3-1.el9"),
        ("tmux-docs", ABSENT, "3.2a-4.el9")]),
    (DNF4_REMOVE, {}, [("tmux", "3.2a-4.el9", ABSENT), ("libevent", "2.1.12-6.el9", ABSENT)]),
    (DNF5_UPGRADE, {}, [("curl", "8.6.0-7.fc40", "8.6.0-8.fc40"), ("tmux", ABSENT, "3.4-1.fc40"),
                        ("vim-minimal", "2:9.1.1-1.fc40", "2:9.1.0-1.fc40")]),
    (YUM_INSTALL, {}, [("tmux", ABSENT, "1.8-4.el7"), ("glibc", "installed", "2.17-326.el7_9")]),
    ("Dependencies resolved.\nNothing to do.\nComplete!\n", {}, []),
], ids=["dnf4-install", "dnf4-remove", "dnf5-upgrade", "yum-install", "nothing"])
def test_parse_transaction(text, installed, expected):
    assert parse_transaction(text, installed) == expected


def _installed(**versions):
    return dict((name, Installed(name, version)) for name, version in versions.items())


@pytest.mark.parametrize("command,op,targets,installed,args,simulate,expected", [
    ("dnf", "install", ["tmux", "vim-9.0"], _installed(tmux=None, **{"vim-9.0": None}), {},
     False, [["dnf", "-y", "install", "tmux", "vim-9.0"]]),
    ("dnf", "install", ["tmux"], _installed(tmux=None), {}, True,
     [["dnf", "--assumeno", "install", "tmux"]]),
    ("dnf", "latest", ["tmux", "curl"], _installed(tmux=None, curl="7.0-1"), {}, False,
     [["dnf", "-y", "install", "tmux"], ["dnf", "-y", "upgrade", "curl"]]),
    ("dnf", "latest", ["curl"], _installed(curl="7.0-1"), {}, False,
     [["dnf", "-y", "upgrade", "curl"]]),
    ("dnf", "remove", ["tmux"], _installed(tmux="3.2"), {}, False, [["dnf", "-y", "remove", "tmux"]]),
    ("dnf", "remove", [], {}, {"autoremove": True}, False, [["dnf", "-y", "autoremove"]]),
    ("dnf", "install", ["tmux"], _installed(tmux=None),
     {"enablerepo": ["crb"], "disablerepo": ["*"], "disable_gpg_check": True,
      "install_weak_deps": False}, False,
     [["dnf", "-y", "--disablerepo=*", "--enablerepo=crb", "--nogpgcheck",
       "--setopt=install_weak_deps=False", "install", "tmux"]]),
    ("yum", "install", ["tmux"], _installed(tmux=None), {}, False,
     [["yum", "-y", "--setopt=exit_on_lock=True", "install", "tmux"]]),
])
def test_dnf_commands(command, op, targets, installed, args, simulate, expected):
    assert Dnf(command).commands(op, targets, installed, args, simulate=simulate) == expected


RPM_ANSWER = """\
bash\t5.1.8-6.el9\tx86_64
package nosuch is not installed
kernel\t5.14.0-1.el9\tx86_64
kernel\t5.14.0-2.el9\tx86_64
vim-enhanced\t2:8.2.2637-20.el9\tx86_64
vim-enhanced\t2:8.2.2637-20.el9\tx86_64
package tmux-3.9 is not installed
"""


def test_parse_rpm_query_in_order_with_repeats_and_misses():
    queries = ["bash", "nosuch", "kernel", "vim-enhanced", "vim-enhanced-8.2.2637", "tmux-3.9"]
    assert parse_rpm_query(queries, RPM_ANSWER) == {
        "bash": ("bash", "5.1.8-6.el9", "x86_64"), "nosuch": None,
        "kernel": ("kernel", "5.14.0-2.el9", "x86_64"),
        "vim-enhanced": ("vim-enhanced", "2:8.2.2637-20.el9", "x86_64"),
        "vim-enhanced-8.2.2637": ("vim-enhanced", "2:8.2.2637-20.el9", "x86_64"),
        "tmux-3.9": None}


@pytest.mark.parametrize("spec,expected", [
    ("vim-enhanced", True), ("vim-enhanced.x86_64", True), ("vim-enhanced-8.2.2637", True),
    ("vim-enhanced-8.2.2637-20.el9", True), ("vim-enhanced-2:8.2.2637-20.el9", True),
    ("vim-enhanced-8.2.2637-20.el9.x86_64", True), ("vim", False), ("vim-enhanced-9", False),
])
def test_spec_matches(spec, expected):
    assert spec_matches(spec, "vim-enhanced", "2:8.2.2637-20.el9", "x86_64") is expected


@pytest.mark.parametrize("spec,answer,expected", [
    ("bash", ("bash", "5.1-1", "x86_64"), ("bash", "5.1-1", None)),
    ("bash.x86_64", ("bash", "5.1-1", "x86_64"), ("bash", "5.1-1", None)),
    ("bash-5.1", ("bash", "5.1-1", "x86_64"), ("bash", "5.1-1", "bash-5.1")),
    ("bash-9", None, ("bash-9", None, None)),
])
def test_installed_fields(spec, answer, expected):
    assert installed_fields(spec, answer) == expected


@pytest.mark.parametrize("spec,names", [
    ("corral-demo", []),
    ("corral-demo-1.0", ["corral-demo"]),
    ("corral-demo-1.0-1.noarch", ["corral-demo-1.0", "corral-demo"]),
    ("libfoo-2", ["libfoo"]),
    ("python3-3to2", []),
    ("kernel-6.1.0-1.el9", ["kernel-6.1.0", "kernel"]),
])
def test_pin_names(spec, names):
    assert pin_names(spec) == names



def test_query_of_a_pin_to_another_version_names_the_installed_package(monkeypatch):
    """corral-demo 2.0 installed, pin corral-demo-1.0: a target, and the downgrade's before."""
    from corral.modules import _pkg_dnf

    asked = []

    def fake_rpm_query(queries):
        asked.append(list(queries))
        installed = {"corral-demo": ("corral-demo", "2.0-1", "noarch")}
        return dict((q, installed.get(q)) for q in queries)

    monkeypatch.setattr(_pkg_dnf, "rpm_query", fake_rpm_query)
    found = Dnf("dnf").query(["corral-demo-1.0", "tmux"], {})
    assert asked == [["corral-demo-1.0", "tmux", "corral-demo"]]  # one rpm call
    pin = found["corral-demo-1.0"]
    assert (pin.name, pin.version, pin.wanted, pin.matches) == (
        "corral-demo", "2.0-1", "corral-demo-1.0", False)
    assert found["tmux"].version is None
    rows = parse_transaction("Downgrading:\n corral-demo noarch 1.0-1 corral 6 k\n", found)
    assert rows == [("corral-demo", "2.0-1", "1.0-1")]


def test_parse_rpm_snapshot_joins_the_versions_of_a_name_installed_twice():
    from corral.modules._pkg_rpm import parse_rpm_snapshot
    text = ("bash\t5.2.15-3.el9\tx86_64\n"
            "kernel\t5.14.0-1.el9\tx86_64\n"
            "kernel\t5.14.0-2.el9\tx86_64\n"
            "perl-Time\t1:1.93-4.el9\tnoarch\n"
            "\n")
    assert parse_rpm_snapshot(text) == {"bash": "5.2.15-3.el9",
                                        "kernel": "5.14.0-1.el9, 5.14.0-2.el9",
                                        "perl-Time": "1:1.93-4.el9"}
