"""Helpers for module tests: run a module in-process, snapshot a directory tree."""

import importlib
import os
import stat

import pytest

from corral.modules._api import Context, run_module


def run(name, args, check=False, diff=False, **ctx):
    module = importlib.import_module("corral.modules." + name)
    return run_module(module, args, Context(check=check, diff=diff, **ctx))


def snapshot(top):
    """Every path under ``top`` with its kind, mode, owner, mtime and content."""
    found = {}
    for folder, dirs, files in os.walk(str(top)):
        for name in [""] + dirs + files if folder == str(top) else dirs + files:
            full = os.path.join(folder, name) if name else folder
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                body = "-> " + os.readlink(full)
            elif stat.S_ISREG(st.st_mode):
                with open(full, "rb") as handle:
                    body = handle.read()
            else:
                body = None
            found[os.path.relpath(full, str(top))] = (
                stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid,
                st.st_mtime_ns, body)
    return found


@pytest.fixture
def runner():
    return run
