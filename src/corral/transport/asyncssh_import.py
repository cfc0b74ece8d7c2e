"""Import asyncssh without running ``ldconfig`` on every start.

On import, asyncssh looks for two optional C libraries (liboqs for post-quantum
key exchange, nettle for UMAC) with ``ctypes.util.find_library``, which runs
``ldconfig -p`` in a subprocess: about 20 ms of every corral start that uses
SSH. For just those names, the library folders are looked at directly instead;
the answer (a soname such as ``libnettle.so.8``, or None) is what
``find_library`` would give on a Linux system.
"""

from __future__ import annotations

import ctypes.util
import glob
import os
import sys
from collections.abc import Callable
from types import ModuleType

_LIBRARY_DIRS = ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/local/lib",
                 "/lib/*-linux-gnu", "/usr/lib/*-linux-gnu")
_ASYNCSSH_LIBRARIES = frozenset({"oqs", "liboqs", "nettle", "libnettle"})


def find_soname(name: str) -> str | None:
    """``lib<name>.so.N`` if such a file is in a library folder, else None.

    The folders are listed, not globbed: a glob matches each of a thousand names
    against a pattern in Python (2-3 ms per library)."""
    prefix = f"lib{name[3:] if name.startswith('lib') else name}.so."
    for pattern in _LIBRARY_DIRS:
        for folder in sorted(glob.glob(pattern)) if "*" in pattern else [pattern]:
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            found = sorted((n for n in names if n.startswith(prefix)), key=len)
            if found:
                return found[0]
    return None


def import_asyncssh() -> ModuleType:
    """``asyncssh``, imported once per process."""
    if "asyncssh" in sys.modules:
        return sys.modules["asyncssh"]
    if not sys.platform.startswith("linux"):
        import asyncssh

        return asyncssh
    original: Callable[[str], str | None] = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        return find_soname(name) if name in _ASYNCSSH_LIBRARIES else original(name)

    setattr(ctypes.util, "find_library", find_library)  # noqa: B010 - restored below
    try:
        import asyncssh
    finally:
        setattr(ctypes.util, "find_library", original)  # noqa: B010
    return asyncssh
