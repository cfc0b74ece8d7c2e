"""What a case left under /srv/diff on a host: every path's type, mode, owner, group, content.

Read inside the host (through the fleet's nsenter ``exec``, not SSH) by a small
stdlib script, so reading costs neither tool anything.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from subprocess import CompletedProcess
from typing import Any

from tests.differential.cases import DIFF_ROOT

Exec = Callable[[str, Sequence[str]], CompletedProcess[str]]
MAX_FILE_BYTES = 1 << 20

_SCRIPT = r"""
import base64, grp, json, os, pwd, stat, sys
root, limit = sys.argv[1], int(sys.argv[2])
out = {}
def name(table, ident):
    try:
        return table(ident)[0]
    except KeyError:
        return str(ident)
def entry(path):
    st = os.lstat(path)
    e = {"mode": "%04o" % stat.S_IMODE(st.st_mode), "owner": name(pwd.getpwuid, st.st_uid),
         "group": name(grp.getgrgid, st.st_gid)}
    if stat.S_ISLNK(st.st_mode):
        e["type"] = "link"; e["target"] = os.readlink(path)
    elif stat.S_ISDIR(st.st_mode):
        e["type"] = "directory"
    elif stat.S_ISREG(st.st_mode):
        e["type"] = "file"
        with open(path, "rb") as f:
            data = f.read(limit + 1)
        try:
            e["content"] = data.decode("utf-8")
        except UnicodeDecodeError:
            e["content_b64"] = base64.b64encode(data).decode()
    else:
        e["type"] = "other"
    return e
if os.path.lexists(root):
    out[root] = entry(root)
    for folder, dirs, files in os.walk(root):
        for n in sorted(dirs + files):
            p = os.path.join(folder, n)
            out[p] = entry(p)
print(json.dumps(out))
"""


@dataclass(frozen=True)
class Snapshot:
    entries: dict[str, dict[str, Any]]


def take_snapshot(exec_: Exec, host: str, root: str = DIFF_ROOT) -> Snapshot:
    proc = exec_(host, ["python3", "-c", _SCRIPT, root, str(MAX_FILE_BYTES)])
    if proc.returncode != 0:
        raise RuntimeError(f"snapshot of {root} on {host} failed: {proc.stderr.strip()}")
    return Snapshot(json.loads(proc.stdout))


def clean(exec_: Exec, host: str, extra: Sequence[str] = ()) -> None:
    """Remove /srv/diff and the case's declared paths: the host is ready for the next run."""
    proc = exec_(host, ["rm", "-rf", "--one-file-system", DIFF_ROOT, *extra])
    if proc.returncode != 0:
        raise RuntimeError(f"cleaning {host} failed: {proc.stderr.strip()}")
