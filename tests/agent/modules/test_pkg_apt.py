"""apt backend: apt-get command lines, and parsing dpkg-query and apt-get -s output."""

import pytest

from corral.modules._pkg_apt import (
    apt_get,
    downgraded,
    parse_dpkg_query,
    parse_simulation,
    split_pin,
)
from corral.modules._pkg_common import ABSENT

BASE = ["apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=60",
        "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"]


@pytest.mark.parametrize("op,targets,args,simulate,tail", [
    ("install", ["a", "b=1.0"], {}, False, ["install", "a", "b=1.0"]),
    ("latest", ["a"], {}, True, ["-s", "install", "a"]),
    ("remove", ["a"], {}, False, ["remove", "a"]),
    ("remove", ["a"], {"purge": True}, False, ["purge", "a"]),
    ("remove", ["a"], {"autoremove": True}, False, ["--auto-remove", "remove", "a"]),
    ("remove", [], {"autoremove": True}, False, ["autoremove"]),
    ("remove", [], {"autoremove": True, "purge": True}, True, ["-s", "autoremove", "--purge"]),
    ("install", ["a"], {"install_recommends": False}, False,
     ["--no-install-recommends", "install", "a"]),
    ("install", ["a"], {"install_recommends": True, "default_release": "bookworm-backports",
                        "allow_downgrade": True}, False,
     ["-o", "APT::Install-Recommends=yes", "-t", "bookworm-backports", "--allow-downgrades",
      "install", "a"]),
    ("install", ["/root/x.deb"], {}, False, ["install", "/root/x.deb"]),
    ("upgrade", [], {"upgrade": "yes"}, True, ["-s", "--with-new-pkgs", "upgrade"]),
    ("upgrade", [], {"upgrade": "safe"}, False, ["--with-new-pkgs", "upgrade"]),
    ("upgrade", [], {"upgrade": "dist"}, False, ["dist-upgrade"]),
    ("upgrade", [], {"upgrade": "full"}, True, ["-s", "dist-upgrade"]),
    ("latest", ["a"], {"only_upgrade": True}, False, ["--only-upgrade", "install", "a"]),
    ("install", ["a"], {"force": True}, False,
     ["--allow-downgrades", "--allow-remove-essential", "--allow-change-held-packages",
      "install", "a"]),
    ("install", ["a"], {"allow_unauthenticated": True, "allow_change_held_packages": True,
                        "fail_on_autoremove": True}, False,
     ["--allow-change-held-packages", "--allow-unauthenticated", "--no-remove", "install", "a"]),
])
def test_apt_get_command(op, targets, args, simulate, tail):
    assert apt_get(op, targets, args, simulate=simulate) == BASE + tail


def test_apt_get_lock_timeout_and_dpkg_options():
    argv = apt_get("install", ["a"], {"lock_timeout": 5, "dpkg_options": "force-confnew"})
    assert argv == ["apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=5",
                    "-o", "Dpkg::Options::=--force-confnew", "install", "a"]


SIMULATIONS = [
    ("new", """\
NOTE: This is only a simulation!
The following NEW packages will be installed:
  corral-demo corral-demo-svc
0 upgraded, 2 newly installed, 0 to remove and 0 not upgraded.
Inst corral-demo (1.0 corral-fleet main:main [all])
Inst corral-demo-svc (1.0 corral-fleet main:main [all])
Conf corral-demo (1.0 corral-fleet main:main [all])
Conf corral-demo-svc (1.0 corral-fleet main:main [all])
""", [("corral-demo", ABSENT, "1.0"), ("corral-demo-svc", ABSENT, "1.0")]),
    ("upgrade", "Inst corral-demo [1.0] (2.0 corral-fleet next:next [all])\n"
                "Conf corral-demo (2.0 corral-fleet next:next [all])\n",
     [("corral-demo", "1.0", "2.0")]),
    ("epoch-and-arch", "Inst libc6:amd64 [2.36-9] (1:2.36-9+deb12u4 Debian:12.5/stable [amd64])\n",
     [("libc6:amd64", "2.36-9", "1:2.36-9+deb12u4")]),
    ("remove", "Remv corral-demo-svc [1.0]\nRemv corral-demo [1.0]\n",
     [("corral-demo-svc", "1.0", ABSENT), ("corral-demo", "1.0", ABSENT)]),
    ("purge", "Purg corral-demo-svc [1.0]\nPurg old-config\n",
     [("corral-demo-svc", "1.0", "purged"), ("old-config", ABSENT, "purged")]),
    ("nothing", "corral-demo is already the newest version (1.0).\n"
                "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n", []),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in SIMULATIONS],
                         ids=[c[0] for c in SIMULATIONS])
def test_parse_simulation(text, expected):
    assert parse_simulation(text) == expected


def test_parse_dpkg_query():
    text = ("apt\tapt\t2.6.1\tii \n"
            "corral-demo-svc\tcorral-demo-svc\t1.0\trc \n"
            "libc6:amd64\tlibc6\t2.36-9\tii \n"
            "half\thalf\t0.1\tiF \n"
            "broken line\n")
    assert parse_dpkg_query(text) == {
        "apt": ("2.6.1", "i"), "corral-demo-svc": ("1.0", "c"),
        "libc6:amd64": ("2.36-9", "i"), "libc6": ("2.36-9", "i"), "half": ("0.1", "F")}


@pytest.mark.parametrize("spec,expected", [
    ("nginx", ("nginx", None)), ("nginx=1.22*", ("nginx", "1.22*")),
    ("libc6:amd64=2.36-9", ("libc6:amd64", "2.36-9")),
])
def test_split_pin(spec, expected):
    assert split_pin(spec) == expected


def test_downgraded_names():
    text = ("The following packages will be DOWNGRADED:\n  corral-demo other\n"
            "0 upgraded, 0 newly installed, 2 downgraded, 0 to remove\n")
    assert downgraded(text) == ["corral-demo", "other"]


def test_parse_snapshot_keeps_installed_and_residue_by_package_name():
    from corral.modules._pkg_apt import parse_snapshot
    text = ("jq\tjq\t1.6-2.1\tii \n"
            "libc6:amd64\tlibc6\t2.36-9\tii \n"
            "corral-demo-svc\tcorral-demo-svc\t1.0\trc \n"
            "gone\tgone\t\tun \n"
            "half\thalf\t2.0\tiF \n"
            "garbage line\n")
    assert parse_snapshot(text) == {"jq": "1.6-2.1", "libc6": "2.36-9", "corral-demo-svc": None,
                                    "half": "2.0"}


def test_parse_policy():
    from corral.modules._pkg_apt import parse_policy
    text = ("jq:\n  Installed: 1.6-2.1+deb12u3\n  Candidate: 1.6-2.1+deb12u3\n  Version table:\n"
            " *** 1.6-2.1+deb12u3 500\n        500 http://deb.debian.org/debian-security "
            "bookworm-security/main amd64 Packages\n        100 /var/lib/dpkg/status\n"
            "awk:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n"
            "libc6:i386:\n  Installed: (none)\n  Candidate: 2.36-9\n  Version table:\n"
            "corral-demo:\n  Installed: 1.0\n  Candidate: 2.0\n  Version table:\n"
            "     2.0 500\n        500 file:/srv/corral-repo/next ./ Packages\n")
    assert parse_policy(text) == {"jq": ("1.6-2.1+deb12u3", "1.6-2.1+deb12u3"),
                                  "awk": (None, None), "libc6:i386": (None, "2.36-9"),
                                  "corral-demo": ("1.0", "2.0")}
