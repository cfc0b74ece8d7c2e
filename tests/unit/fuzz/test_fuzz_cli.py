"""End to end: a handful of fuzz cases through the real `corral apply` command.

The inventory's one host is unreachable (127.0.0.1 port 1) and the run is in check
mode (a mutated inventory seed may name a local connection), so nothing is ever
changed; the command must end in one of corral's exit codes, never a traceback, and
an invalid input must end in exit 4 with the file (and line) named on stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .runner import make_case
from .targets import _companions

SEED = 20261130
KINDS = ("playbook", "tasks", "inventory_yaml", "inventory_ini", "vars_file", "extra_vars")
PLAYBOOK = b"- hosts: all\n  gather_facts: false\n  tasks:\n    - import_tasks: tasks.yml\n"


def _apply(folder: Path, kind: str, data: bytes) -> tuple[list[str], str]:
    """Write the case's files; the arguments of `corral apply` and the name to expect."""
    _companions(folder)
    (folder / "site.yml").write_bytes(PLAYBOOK)
    inventory, expect = "hosts.yml", kind
    extra: list[str] = []
    if kind == "playbook":
        (folder / "site.yml").write_bytes(data)
        expect = "site.yml"
    elif kind == "tasks":
        (folder / "tasks.yml").write_bytes(data)
        expect = "tasks.yml"
    elif kind == "inventory_yaml":
        (folder / "hosts.yml").write_bytes(data)
        expect = "hosts.yml"
    elif kind == "inventory_ini":
        (folder / "hosts").write_bytes(data)
        inventory, expect = "hosts", "hosts"
    elif kind == "vars_file":
        (folder / "extra.yml").write_bytes(data)
        extra, expect = ["-e", "@extra.yml"], "extra.yml"
    else:
        text = data.replace(b"\x00", b"").decode("utf-8", "surrogateescape")
        extra, expect = ["-e", text], "-e "
    # --check: a mutated inventory may name a local connection; check mode writes nothing
    args = ["apply", "site.yml", "-i", inventory, "--check", "-T", "2", *extra]
    return args, expect


def _run(folder: Path, args: list[str]) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "corral", *args], cwd=folder, env=env,
                          capture_output=True, timeout=60, check=False)


def _check(result: subprocess.CompletedProcess[bytes], expect: str) -> None:
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert result.returncode in (0, 1, 2, 3, 4), (result.returncode, stderr)
    if result.returncode == 4:
        assert expect in stderr, stderr


@pytest.mark.parametrize("index", range(8))
def test_fuzz_case_through_the_cli(index: int, tmp_path: Path) -> None:
    case = make_case(SEED, index, KINDS)
    args, expect = _apply(tmp_path, case.kind, case.data)
    _check(_run(tmp_path, args), expect)


BAD = [
    ("playbook", b"- hosts: all\n  tasks:\n    - debug: msg=a\x00b\n", "site.yml:3:19: NUL"),
    ("tasks", b"- debug:\n    msg: " + b"[" * 1000 + b"]" * 1000 + b"\n",
     "tasks.yml:2:207: nesting is deeper than 200 levels"),
    ("inventory_ini", b"[web]\nweb[0000000:9999999]\n", "hosts:2:1: invalid host line"),
    ("inventory_yaml", b"all:\n  hosts:\n    h: {x: &a [*a]}\n", "hosts.yml:3:16: alias '*a'"),
    ("vars_file", b"a: caf\xe9\n", "extra.yml:1:7: -e @extra.yml: file is not UTF-8 text"),
    ("playbook", b"- hosts: all\n  tasks:\n    - " + b"m" * 300 + b": {}\n",
     "site.yml:3:7: module name"),
    ("extra_vars", b"{a: !!seq {b: 1}}", "the tag !!seq needs a sequence"),
]


@pytest.mark.parametrize(("kind", "data", "expected"), BAD, ids=[b[2][:24] for b in BAD])
def test_invalid_input_exits_4_naming_the_file(kind: str, data: bytes, expected: str,
                                               tmp_path: Path) -> None:
    args, _ = _apply(tmp_path, kind, data)
    result = _run(tmp_path, args)
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 4, stderr
    assert "Traceback" not in stderr
    assert expected in stderr, stderr

