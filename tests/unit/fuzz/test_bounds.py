"""Every input bound, one row each: the input, through the real loader, and the message.

Each refused row names its file and line (``FILE:LINE:COL: message``, paths relative to
the case folder); each accepted row is something ansible-core accepts, kept accepted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from corral.cli.extra_vars import parse_extra_vars
from corral.cli.loading import load_run_input
from corral.errors import InputError
from corral.input_bounds import MAX_RANGE_HOSTS
from corral.inventory import builder, load_inventory
from corral.inventory.limit_file import expand_limit
from corral.inventory.ranges import RangeError, expand_host_range
from corral.inventory.show import render_graph

from .targets import TARGETS, Context

BOMB = b"{" + b", ".join(
    [b"l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [b"l%d: &l%d [%s]" % (i, i, b", ".join([b"*l%d" % (i - 1)] * 9)) for i in range(1, 10)]
) + b"}"
DEEP = b"[" * 1000 + b"]" * 1000
PLAY = b"- hosts: all\n  tasks:\n    - debug:\n        msg: "
TASKS = b"- debug:\n    msg: "
INV = b"all:\n  hosts:\n    web1:\n      x: "


def _problems(kind: str, data: bytes, folder: Path) -> list[str]:
    try:
        TARGETS[kind](Context(), folder, data)
    except InputError as exc:
        return [str(p).replace(f"{folder}/", "") for p in exc.problems]
    return []


REFUSED = [
    # control characters and NUL bytes, where YAML forbids them
    ("playbook", b"- hosts: all\n  tasks:\n    - debug: msg=a\x00b\n",
     "site.yml:3:19: NUL U+0000 at line 3, column 19 is not allowed"),
    ("playbook", b"- hosts: all\x01\n", "site.yml:1:13: control character U+0001 at line 1"),
    ("tasks", b"- debug: msg=\x1b[31m\n", "tasks.yml:1:14: ESC U+001B at line 1, column 14"),
    ("inventory_ini", b"[web]\nweb1\x07 x=1\n", "hosts:2:5: BEL U+0007 at line 2, column 5"),
    ("vars_file", b"a: 1\nb: \x00\n", "vars.yml:2:4: vars_files: NUL U+0000"),
    ("inventory_yaml", b'all:\n  hosts:\n    "a\\0b":\n',
     "hosts.yml:3:5: host name 'a\\x00b' contains the control character U+0000"),
    ("inventory_ini", b"[g\x7f]\nweb1\n", "hosts:1:3: DEL U+007F at line 1, column 3"),
    # nesting ~1,000 levels deep, in every kind of file
    ("playbook", PLAY + DEEP + b"\n", "site.yml:4:209: nesting is deeper than 200 levels"),
    ("playbook", b"".join(b"  " * i + b"- \n" for i in range(1000)),
     "site.yml:201:401: nesting is deeper than 200 levels"),
    ("tasks", TASKS + DEEP + b"\n", "tasks.yml:2:207: nesting is deeper than 200 levels"),
    ("inventory_yaml", INV + b"{a: " * 1000 + b"}" * 1000 + b"\n",
     "hosts.yml:4:791: nesting is deeper than 200 levels"),
    ("vars_file", b"x: " + DEEP + b"\n", "vars.yml:1:203: vars_files: nesting is deeper than 200 levels"),
    ("extra_vars", b"{x: " + DEEP + b"}",
     "-e '{x: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[...]]]]]]]]]]]]]]]]]]]}':1:204: "
     "not valid JSON or YAML: nesting is deeper than 200 levels"),
    # standard tags on the wrong kind of node, and scalars a tag cannot read
    ("playbook", PLAY + b"!!float {a: 1}\n",
     "site.yml:4:14: YAML syntax error: the tag !!float needs a plain value, but it is on a mapping"),
    ("playbook", PLAY + b"!!seq {a: 1}\n",
     "site.yml:4:14: YAML syntax error: the tag !!seq needs a sequence, but it is on a mapping"),
    ("tasks", TASKS + b"!!map [1, 2]\n",
     "tasks.yml:2:10: YAML syntax error: the tag !!map needs a mapping, but it is on a sequence"),
    ("vars_file", b"a: !!int abc\n", "vars.yml:1:4: vars_files: YAML syntax error: 'abc' cannot be read as !!int"),
    ("inventory_yaml", INV + b"2001-13-45\n",
     "hosts.yml:4:10: YAML syntax error: '2001-13-45' cannot be read as !!timestamp "
     "(month must be in 1..12)"),
    ("vars_file", b"a: 0b_\n", "host_vars/web1.yml:1:4: YAML syntax error: '0b_' cannot be read as !!int"),
    ("vars_file", b"a: " + b"1" * 5000 + b"\n", "vars.yml:1:4: vars_files: YAML syntax error: "
     "'111111111111111111111111111111...111111111111111' cannot be read as !!int"),
    # a self-referencing anchor, and alias bombs
    ("playbook", PLAY + b"&a [1, *a]\n",
     "site.yml:4:21: alias '*a' refers to the anchor it is inside of; a value cannot contain itself"),
    ("vars_file", b"a: &a {b: *a}\n", "host_vars/web1.yml:1:11: alias '*a' refers to the anchor"),
    ("playbook", PLAY + BOMB + b"\n",
     "site.yml:4:354: aliases expand to more than 1,000,000 values (an alias bomb?)"),
    ("extra_vars", BOMB, "not valid JSON or YAML: aliases expand to more than 1,000,000 values"),
    ("inventory_yaml", INV + BOMB + b"\n", "hosts.yml:4:350: aliases expand to more than"),
    # not UTF-8: which file, which byte, which line
    ("vars_file", b"a: 1\nb: caf\xe9\n",
     "vars.yml:2:7: vars_files: file is not UTF-8 text: byte 0xe9 at offset 11"),
    ("playbook", b"- hosts: all\n  name: \xff\n",
     "site.yml:2:9: file is not UTF-8 text: byte 0xff at offset 21"),
    ("inventory_ini", b"[web]\nweb1 x=\xc3\n", "hosts:2:8: file is not UTF-8 text: byte 0xc3 at offset 13"),
    # names that go to the file system or a module lookup
    ("playbook", b"- hosts: all\n  tasks:\n    - " + b"a" * 300 + b": {x: 1}\n",
     "site.yml:3:7: module name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...aaaaaaaaaaaaaaa' is 300 characters "
     "long; a name is at most 255 bytes"),
    ("playbook", b"- hosts: all\n  tasks:\n    - import_tasks: " + b"a" * 300 + b".yml\n",
     "site.yml:3:7: import_tasks file 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...aaaaaaaaaaa.yml' has a file "
     "or folder name longer than 255 bytes"),
    # host ranges counted before they are expanded
    ("inventory_ini", b"[web]\nweb[0000000:9999999]\n",
     "hosts:2:1: invalid host line 'web[0000000:9999999]': range 'web[0000000:9999999]' stands "
     "for 10,000,000 hosts; one entry may stand for at most 100,000"),
    ("inventory_yaml", b"all:\n  hosts:\n    a[1:1000][1:1000]:\n",
     "hosts.yml:3:5: range 'a[1:1000][1:1000]' stands for 1,000,000 hosts"),
    ("inventory_ini", b"x[0:" + b"9" * 40 + b"]\n", "numbers of more than 30 digits"),
    ("inventory_ini", "x[\u00b2:3]\n".encode(), "begin and end must both be numbers or both single"),
    # the command line
    ("extra_vars", b"a=\"b", "-e 'a=\"b': No closing quotation"),
    ("extra_vars", b"a=" + b"x" * 200_000, "the value is 200,002 characters long; past 131,072"),
]


@pytest.mark.parametrize(("kind", "data", "expected"), REFUSED,
                         ids=[f"{i}-{row[0]}" for i, row in enumerate(REFUSED)])
def test_refused_with_file_and_line(kind: str, data: bytes, expected: str,
                                    tmp_path: Path) -> None:
    started = time.monotonic()
    problems = _problems(kind, data, tmp_path)
    assert any(expected in p for p in problems), problems
    assert time.monotonic() - started < 20  # before the bounds: minutes, or no end


ACCEPTED = [
    ("playbook", PLAY + b"[" * 150 + b"]" * 150 + b"\n"),  # ansible-core accepts it
    ("playbook", b"- hosts: all\n  vars: &v {a: 1}\n  tasks:\n    - debug: {msg: x}\n"
                 b"      vars: {<<: *v, b: *v}\n"),
    ("vars_file", b"a: !!str 123\nb: !!int '0x1f'\nc: !!float 1\nd: !!bool yes\ne: !!null ''\n"
                  b"f: !!set {x, y}\ng: !!binary aGVsbG8=\nh: 2001-12-14\n"),
    ("vars_file", b'{"a": "tab\\there", "b": "\\u0000 escaped in a string is data"}\n'),
    ("inventory_ini", b"[web]\nweb[000001:100000]\n"),
    ("inventory_ini", b"".join(b"[g%d:children]\ng%d\n" % (i, i + 1) for i in range(3000))
     + b"[g3000]\nweb1\n"),
    ("extra_vars", b"{a: [1, {b: c}], d: yes}"),
]


@pytest.mark.parametrize(("kind", "data"), ACCEPTED,
                         ids=[f"{i}-{row[0]}" for i, row in enumerate(ACCEPTED)])
def test_accepted(kind: str, data: bytes, tmp_path: Path) -> None:
    started = time.monotonic()
    assert _problems(kind, data, tmp_path) == []
    assert time.monotonic() - started < 30


def test_graph_of_shared_groups_is_cut(tmp_path: Path) -> None:
    lines = ["[top:children]", "a0", "b0"]
    for i in range(40):
        lines += [f"[a{i}:children]", f"a{i + 1}", f"b{i + 1}",
                  f"[b{i}:children]", f"a{i + 1}", f"b{i + 1}"]
    (tmp_path / "hosts").write_text("\n".join([*lines, "[a40]", "web1", "[b40]", ""]))
    started = time.monotonic()
    graph = render_graph(load_inventory([str(tmp_path / "hosts")]))
    assert time.monotonic() - started < 30
    assert graph.splitlines()[-1].startswith("... (cut at 100,000 lines: groups are reached")


def test_range_at_the_bound_expands() -> None:
    assert len(expand_host_range(f"h[1:{MAX_RANGE_HOSTS}]")) == MAX_RANGE_HOSTS
    with pytest.raises(RangeError, match="stands for 100,001 hosts"):
        expand_host_range(f"h[1:{MAX_RANGE_HOSTS + 1}]")


LONG = "a" * 300
COMMAND_LINE = [
    (lambda d: load_inventory([LONG]), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...aaaaaaaaaaaaaaa: inventory source"
     " 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...aaaaaaaaaaaaaaa' has a file or folder name longer than 255"),
    (lambda d: load_run_input(Path(LONG + ".yml"), ["x,"]), ": playbook 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "...aaaaaaaaaaa.yml' has a file or folder name longer than 255 bytes"),
    (lambda d: expand_limit("@" + LONG), ": limit file 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...aaaaaaaaaaaaaaa'"
     " has a file or folder name longer than 255 bytes"),
    (lambda d: expand_limit(f"@{d}/limit"), "limit:2:1: file is not UTF-8 text: byte 0xff at offset 5"),
    (lambda d: parse_extra_vars([f"@{d}/{LONG}"]), "name longer than 255 bytes"),
]


@pytest.mark.parametrize(("call", "expected"), COMMAND_LINE)
def test_paths_from_the_command_line(call: Callable[[Path], object], expected: str,
                                     tmp_path: Path) -> None:
    (tmp_path / "limit").write_bytes(b"web1\n\xff\n")
    with pytest.raises(InputError) as caught:
        call(tmp_path)
    assert expected in str(caught.value).replace(f"{tmp_path}/", "")
    assert len(str(caught.value)) < 400


def test_inventory_size_is_bounded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(builder, "MAX_INVENTORY_HOSTS", 5)
    (tmp_path / "hosts").write_text("[a]\nh[1:3]\n[b]\ng[1:3]\n")
    with pytest.raises(InputError) as caught:
        load_inventory([str(tmp_path / "hosts")])
    assert [str(p).replace(f"{tmp_path}/", "") for p in caught.value.problems] == [
        "hosts:4:1: the inventory defines more than 5 hosts; corral manages at most that many "
        "in one run (split the inventory, or check the ranges)"]


def test_file_size_is_bounded_before_reading_it_all() -> None:
    with pytest.raises(InputError, match="-e @/dev/zero: file is larger than 64 MiB"):
        parse_extra_vars(["@/dev/zero"])


def test_a_name_no_file_can_have_has_no_vars_files(tmp_path: Path) -> None:
    (tmp_path / "host_vars").mkdir()
    (tmp_path / "hosts.yml").write_text(f"all:\n  hosts:\n    {LONG}:\n")
    inventory = load_inventory([str(tmp_path / "hosts.yml")])
    assert inventory.host_vars(LONG) == {}

