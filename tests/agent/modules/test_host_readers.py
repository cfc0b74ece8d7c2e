"""find, assemble, getent, tempfile, package_facts, service_facts, dpkg_selections in-process:
find and assemble against tables recorded from ansible-core 2.19 on the same trees."""

import os
import pwd
import time

import pytest

from corral.modules.assemble import assemble
from corral.modules.getent import parse as parse_getent
from corral.modules.package_facts import parse as parse_packages

from .conftest import run, snapshot

# (id, args, matched paths relative to the tree, entries examined) from ansible-core's find
FIND_CASES = [
    ('plain', {}, ['big.bin', 'one.log', 'two.txt'], 6),
    ('pat', {'patterns': ['*.log']}, ['one.log'], 6),
    ('rec', {'patterns': ['*.log'], 'recurse': True}, ['.hid/h.log', 'a/b/c/five.log', 'a/b/four.log', 'a/three.log', 'one.log'], 12),
    ('depth', {'patterns': ['*.log'], 'recurse': True, 'depth': 2}, ['.hid/h.log', 'a/three.log', 'one.log'], 11),
    ('hidden', {'patterns': ['*.log'], 'recurse': True, 'hidden': True}, ['.dot.log', '.hid/h.log', 'a/b/c/five.log', 'a/b/four.log', 'a/three.log', 'one.log'], 12),
    ('dirs', {'file_type': 'directory', 'recurse': True}, ['a', 'a/b', 'a/b/c'], 12),
    ('any', {'file_type': 'any'}, ['a', 'big.bin', 'one.log', 'two.txt'], 6),
    ('age', {'age': '2d'}, ['two.txt'], 6),
    ('young', {'age': '-2d'}, ['big.bin', 'one.log'], 6),
    ('size', {'size': '10k'}, ['big.bin'], 6),
    ('small', {'size': '-1k'}, ['one.log', 'two.txt'], 6),
    ('contains', {'contains': 'hel.*', 'recurse': True}, ['one.log'], 12),
    ('regex', {'patterns': ['^t.*\\.txt$'], 'use_regex': True}, ['two.txt'], 6),
    ('excl', {'patterns': ['*'], 'excludes': ['*.bin']}, ['one.log', 'two.txt'], 6),
]


def _tree(top):
    for folder in ("a/b/c", ".hid"):
        os.makedirs(os.path.join(top, folder))
    files = {"one.log": "hello\n", "two.txt": "world\n", "a/three.log": "x\n",
             "a/b/four.log": "y\n", "a/b/c/five.log": "z\n", ".hid/h.log": "h\n", ".dot.log": "h\n"}
    for name, text in files.items():
        with open(os.path.join(top, name), "w") as handle:
            handle.write(text)
    with open(os.path.join(top, "big.bin"), "wb") as handle:
        handle.write(b"\0" * 20000)
    old = time.time() - 3 * 86400
    os.utime(os.path.join(top, "two.txt"), (old, old))


@pytest.mark.parametrize(("case", "args", "paths", "examined"), FIND_CASES,
                         ids=[c[0] for c in FIND_CASES])
def test_find_matches_ansible(tmp_path, case, args, paths, examined):
    _tree(str(tmp_path))
    result = run("find", {"paths": [str(tmp_path)], **args})
    assert result["status"] == "ok", result
    got = sorted(os.path.relpath(f["path"], str(tmp_path)) for f in result["data"]["files"])
    assert (got, result["data"]["examined"]) == (paths, examined)


def test_find_describes_files_and_refuses_bad_ages(tmp_path):
    _tree(str(tmp_path))
    found = run("find", {"paths": [str(tmp_path)], "patterns": "one.log", "get_checksum": True})
    entry = found["data"]["files"][0]
    assert entry["size"] == 6 and entry["isreg"] and entry["pw_name"] == pwd.getpwuid(os.getuid()).pw_name
    assert entry["checksum"] == "f572d396fae9206628714fb2ce00f72e94f2258f"
    bad = run("find", {"paths": [str(tmp_path)], "age": "3 days"})
    assert bad["status"] == "failed" and "age '3 days'" in bad["msg"]
    missing = run("find", {"paths": [str(tmp_path / "nope")]})
    assert missing["data"]["skipped_paths"] and missing["data"]["matched"] == 0


# fragments -> (args, expected), recorded from ansible-core's assemble
FRAGMENTS = {"10-a": "a=1\n", "20-b": "b=2", "05-c": "c=3\n", ".hidden": "h\n"}
ASSEMBLED = [
    ({}, "h\nc=3\na=1\nb=2"),
    ({"delimiter": "### x"}, "h\n### x\nc=3\n### x\na=1\n### x\nb=2"),
    ({"delimiter": "### y\n"}, "h\n### y\nc=3\n### y\na=1\n### y\nb=2"),
    ({"regexp": "^[12]"}, "a=1\nb=2"),
    ({"ignore_hidden": True}, "c=3\na=1\nb=2"),
]


@pytest.mark.parametrize(("args", "expected"), ASSEMBLED)
def test_assemble_matches_ansible(tmp_path, args, expected):
    src = tmp_path / "frags"
    src.mkdir()
    for name, text in FRAGMENTS.items():
        (src / name).write_text(text)
    import re

    pattern = re.compile(args["regexp"]) if "regexp" in args else None
    assert assemble(str(src), args.get("delimiter"), pattern, args.get("ignore_hidden", False)) == expected
    dest = tmp_path / "out.conf"
    before = snapshot(tmp_path)
    assert run("assemble", {"src": str(src), "dest": str(dest), **args}, check=True)["status"] == "changed"
    assert snapshot(tmp_path) == before
    assert run("assemble", {"src": str(src), "dest": str(dest), **args})["status"] == "changed"
    assert dest.read_text() == expected
    assert run("assemble", {"src": str(src), "dest": str(dest), **args})["status"] == "ok"


def test_assemble_joins_a_fragment_without_final_newline(tmp_path):
    (tmp_path / "01-b").write_text("b=2")
    (tmp_path / "05-c").write_text("c=3\n")
    assert assemble(str(tmp_path), None, None, False) == "b=2\nc=3\n"
    assert assemble(str(tmp_path), "### x", None, False) == "b=2\n### x\nc=3\n"


def test_getent_parsing_and_a_real_lookup():
    args = {"database": "passwd", "split": None}
    assert parse_getent("root:x:0:0:root:/root:/bin/bash\n", args) == {
        "root": ["x", "0", "0", "root", "/root", "/bin/bash"]}
    hosts = parse_getent("127.0.0.1       localhost\n", {"database": "hosts", "split": None})
    assert hosts == {"127.0.0.1": ["localhost"]}
    result = run("getent", {"database": "passwd", "key": "root"})
    assert result["data"]["ansible_facts"]["getent_passwd"]["root"][1] == "0"
    missing = run("getent", {"database": "passwd", "key": "no-such-user-xyz"})
    assert missing["status"] == "failed" and "could not be found" in missing["msg"]
    tolerated = run("getent", {"database": "passwd", "key": "no-such-user-xyz", "fail_key": False})
    assert tolerated["data"]["ansible_facts"]["getent_passwd"] == {"no-such-user-xyz": None}


def test_tempfile_creates_private_paths(tmp_path):
    made = run("tempfile", {"path": str(tmp_path), "suffix": ".conf"})
    path = made["data"]["path"]
    assert made["status"] == "changed" and path.endswith(".conf") and os.path.basename(path).startswith("ansible.")
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    folder = run("tempfile", {"path": str(tmp_path), "state": "directory"})["data"]["path"]
    assert os.path.isdir(folder) and oct(os.stat(folder).st_mode & 0o777) == "0o700"
    before = snapshot(tmp_path)
    checked = run("tempfile", {"path": str(tmp_path)}, check=True)
    assert checked["status"] == "changed" and snapshot(tmp_path) == before


def test_package_lists_parse():
    dpkg = "ii \tbash\t5.2.15-2+b2\tamd64\nrc \told\t1.0\tall\n"
    assert parse_packages("apt", dpkg) == [
        {"name": "bash", "version": "5.2.15-2+b2", "arch": "amd64", "source": "apt"}]
    assert parse_packages("pacman", "bash 5.2.015-1\n") == [
        {"name": "bash", "version": "5.2.015-1", "source": "pacman"}]
    assert parse_packages("apk", "musl-1.2.4-r2\n") == [
        {"name": "musl", "version": "1.2.4-r2", "source": "apk"}]
