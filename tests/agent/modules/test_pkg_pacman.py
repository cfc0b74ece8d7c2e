"""pacman backend: command lines and parsing pacman -Q and --print output."""

import pytest

from corral.modules._api import ModuleError
from corral.modules._pkg_common import ABSENT
from corral.modules._pkg_pacman import Pacman, parse_print, parse_query

PRINT = ["--print", "--print-format", "%n %v"]


def test_parse_query():
    assert parse_query("bash 5.2.026-2\ntmux 3.4-4\nerror: package 'x' was not found\n") == {
        "bash": "5.2.026-2", "tmux": "3.4-4"}


@pytest.mark.parametrize("text,removing,known,expected", [
    ("libevent 2.1.12-4\ntmux 3.4-4\n", False, {}, [("libevent", ABSENT, "2.1.12-4"),
                                                    ("tmux", ABSENT, "3.4-4")]),
    ("tmux 3.4-5\n", False, {"tmux": "3.4-4"}, [("tmux", "3.4-4", "3.4-5")]),
    ("tmux 3.4-4\nlibevent 2.1.12-4\n", True, {}, [("tmux", "3.4-4", ABSENT),
                                                   ("libevent", "2.1.12-4", ABSENT)]),
    ("warning: tmux-3.4-4 is up to date -- skipping\n", False, {}, []),
    (":: there is nothing to do\n", False, {}, []),
])
def test_parse_print(text, removing, known, expected):
    assert parse_print(text, removing, known) == expected


@pytest.mark.parametrize("op,targets,args,simulate,expected", [
    ("install", ["tmux", "vim"], {}, False,
     ["pacman", "-S", "--needed", "--noconfirm", "--noprogressbar", "tmux", "vim"]),
    ("latest", ["tmux"], {}, True, ["pacman", "-S", "--needed"] + PRINT + ["tmux"]),
    ("install", ["tmux"], {"extra_args": "--asdeps --overwrite *"}, False,
     ["pacman", "-S", "--needed", "--asdeps", "--overwrite", "*", "--noconfirm",
      "--noprogressbar", "tmux"]),
    ("remove", ["tmux"], {}, False, ["pacman", "-R", "--noconfirm", "--noprogressbar", "tmux"]),
    ("remove", ["tmux"], {"autoremove": True, "remove_nosave": True}, True,
     ["pacman", "-Rsn"] + PRINT + ["tmux"]),
])
def test_pacman_command(op, targets, args, simulate, expected):
    assert Pacman().command(op, targets, args, simulate=simulate) == expected


def test_pacman_refuses_version_pins():
    with pytest.raises(ModuleError, match="cannot pin tmux=3.4"):
        Pacman().query(["tmux=3.4"], {})
