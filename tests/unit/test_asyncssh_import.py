"""asyncssh is imported without an ldconfig subprocess, and finds the same libraries."""

import ctypes.util
import subprocess
import sys

import pytest

from corral.transport.asyncssh_import import find_soname

SPY = (
    "import subprocess\n"
    "calls = []\n"
    "real = subprocess.Popen.__init__\n"
    "def spy(self, *a, **k):\n"
    "    calls.append(a[0] if a else k.get('args'))\n"
    "    real(self, *a, **k)\n"
    "subprocess.Popen.__init__ = spy\n"
)


def test_import_leaves_find_library_as_it_was():
    from corral.transport.asyncssh_import import import_asyncssh

    before = ctypes.util.find_library
    assert import_asyncssh().__name__ == "asyncssh"
    assert ctypes.util.find_library is before


def test_a_fresh_import_starts_no_subprocess():
    code = SPY + ("from corral.transport.asyncssh_import import import_asyncssh\n"
                  "import_asyncssh()\nprint(calls)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", ["nettle", "oqs", "c"])
def test_same_answer_as_find_library(name):
    assert find_soname(name) == ctypes.util.find_library(name)
