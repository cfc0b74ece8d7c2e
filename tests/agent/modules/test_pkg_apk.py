"""apk backend, on apk's documented output (apk cannot run here): info -v, --simulate, commands."""

import pytest

from corral.modules._pkg_apk import Apk, parse_info, parse_steps, split_pin
from corral.modules._pkg_common import ABSENT


def test_parse_info():
    text = ("musl-1.2.4-r2\nbusybox-1.36.1-r15\nca-certificates-bundle-20240226-r0\n"
            "py3-foo-bar-1.0_rc1-r0\nlibstdc++-13.2.1_git20231014-r0\nnot a package line\n")
    assert parse_info(text) == {
        "musl": "1.2.4-r2", "busybox": "1.36.1-r15", "ca-certificates-bundle": "20240226-r0",
        "py3-foo-bar": "1.0_rc1-r0", "libstdc++": "13.2.1_git20231014-r0"}


@pytest.mark.parametrize("text,expected", [
    ("(1/3) Installing libevent (2.1.12-r7)\n(2/3) Installing tmux (3.4-r0)\n"
     "(3/3) Upgrading musl (1.2.4-r1 -> 1.2.4-r2)\nOK: 10 MiB in 20 packages\n",
     [("libevent", ABSENT, "2.1.12-r7"), ("tmux", ABSENT, "3.4-r0"),
      ("musl", "1.2.4-r1", "1.2.4-r2")]),
    ("(1/2) Purging tmux (3.4-r0)\n(2/2) Purging libevent (2.1.12-r7)\nOK: 8 MiB in 18 packages\n",
     [("tmux", "3.4-r0", ABSENT), ("libevent", "2.1.12-r7", ABSENT)]),
    ("(1/1) Downgrading curl (8.5.0-r0 -> 8.4.0-r0)\n", [("curl", "8.5.0-r0", "8.4.0-r0")]),
    ("(1/1) Replacing tzdata (2024a-r0 -> 2024a-r0)\n", [("tzdata", "2024a-r0", "2024a-r0")]),
    ("(1/2) Installing foo (1.0-r0)\nExecuting foo-1.0-r0.post-install\n",
     [("foo", ABSENT, "1.0-r0")]),
    ("OK: 10 MiB in 20 packages\n", []),
])
def test_parse_steps(text, expected):
    assert parse_steps(text) == expected


@pytest.mark.parametrize("spec,expected", [
    ("tmux", ("tmux", None, None)), ("tmux=3.4-r0", ("tmux", "=", "3.4-r0")),
    ("tmux>3.3", ("tmux", ">", "3.3")), ("tmux~3.4", ("tmux", "~", "3.4")),
    ("tmux<=3.4", ("tmux", "<=", "3.4")),
])
def test_split_pin(spec, expected):
    assert split_pin(spec) == expected


@pytest.mark.parametrize("op,targets,args,simulate,expected", [
    ("install", ["tmux", "vim"], {}, False,
     ["apk", "--no-progress", "--wait", "60", "add", "tmux", "vim"]),
    ("install", ["tmux"], {}, True,
     ["apk", "--no-progress", "--wait", "60", "--simulate", "add", "tmux"]),
    ("latest", ["tmux"], {"available": True, "lock_timeout": 5}, False,
     ["apk", "--no-progress", "--wait", "5", "add", "--upgrade", "--available", "tmux"]),
    ("remove", ["tmux"], {"no_cache": True, "repository": ["http://r/edge/main"]}, False,
     ["apk", "--no-progress", "--wait", "60", "--no-cache", "--repository",
      "http://r/edge/main", "del", "tmux"]),
])
def test_apk_command(op, targets, args, simulate, expected):
    assert Apk().command(op, targets, args, simulate=simulate) == expected
