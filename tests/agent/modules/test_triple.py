"""For every module: check mode writes nothing, the change is made, a re-run is ok."""

import os

import pytest

from .conftest import run, snapshot


def _write(path, text, mode=0o644):
    path.write_text(text)
    os.chmod(str(path), mode)


def _mode(path):
    return oct(os.lstat(str(path)).st_mode & 0o7777)


# (id, module, setup(tmp) -> args, verify(tmp, result), ok-reason substring, diff expected)
CASES = [
    ("file-directory", "file",
     lambda t: {"path": str(t / "a/b/c"), "state": "directory", "mode": "0750"},
     lambda t, r: all(_mode(t / p) == "0o750" for p in ("a", "a/b", "a/b/c")),
     "already exists as wanted", False),
    ("file-mode", "file",
     lambda t: (_write(t / "f", "x"), {"path": str(t / "f"), "mode": "u=rw,g=,o="})[1],
     lambda t, r: _mode(t / "f") == "0o600",
     "file %(t)s/f already exists as wanted", False),
    ("file-absent", "file",
     lambda t: ((t / "d/e").mkdir(parents=True), _write(t / "d/e/f", "x"),
                {"path": str(t / "d"), "state": "absent"})[2],
     lambda t, r: not os.path.exists(str(t / "d")),
     "%(t)s/d is already absent", False),
    ("file-link", "file",
     lambda t: (_write(t / "target", "x"),
                {"path": str(t / "ln"), "src": "target", "state": "link"})[1],
     lambda t, r: os.readlink(str(t / "ln")) == "target",
     "link %(t)s/ln -> target already exists as wanted", False),
    ("file-hard", "file",
     lambda t: (_write(t / "target", "x"),
                {"path": str(t / "hl"), "src": str(t / "target"), "state": "hard"})[1],
     lambda t, r: os.path.samefile(str(t / "hl"), str(t / "target")),
     "hard link", False),
    ("file-touch-preserve", "file",
     lambda t: {"path": str(t / "new"), "state": "touch", "access_time": "preserve",
                "modification_time": "preserve"},
     lambda t, r: os.path.isfile(str(t / "new")),
     "already exists as wanted", False),
    ("copy-content", "copy",
     lambda t: {"dest": str(t / "out.txt"), "content": "hello\n", "mode": "0600"},
     lambda t, r: (t / "out.txt").read_text() == "hello\n" and _mode(t / "out.txt") == "0o600",
     "already has this content", True),
    ("copy-replace", "copy",
     lambda t: (_write(t / "out.txt", "old\n"), {"dest": str(t / "out.txt"), "content": "new\n"})[1],
     lambda t, r: (t / "out.txt").read_text() == "new\n",
     "already has this content", True),
    ("template", "template",
     lambda t: {"src": "app.conf.j2", "dest": str(t / "app.conf"), "_content": "port=80\n"},
     lambda t, r: (t / "app.conf").read_text() == "port=80\n",
     "already has this content", True),
    ("lineinfile", "lineinfile",
     lambda t: (_write(t / "cfg", "a=1\nport=22\nb=2\n"),
                {"path": str(t / "cfg"), "regexp": "^port=", "line": "port=2222"})[1],
     lambda t, r: (t / "cfg").read_text() == "a=1\nport=2222\nb=2\n",
     "line already present", True),
    ("lineinfile-create", "lineinfile",
     lambda t: {"path": str(t / "sub/cfg"), "line": "x=1", "create": True},
     lambda t, r: (t / "sub/cfg").read_text() == "x=1\n",
     "line already present", True),
    ("command-creates", "command",
     lambda t: {"_raw_params": "touch %s" % (t / "made"), "creates": str(t / "made")},
     lambda t, r: os.path.exists(str(t / "made")) and r["data"]["rc"] == 0,
     "skipped, since %(t)s/made exists", False),
    ("shell-removes", "shell",
     lambda t: (_write(t / "gone", "x"),
                {"cmd": "rm %s && echo done" % (t / "gone"), "removes": str(t / "gone")})[1],
     lambda t, r: not os.path.exists(str(t / "gone")) and r["data"]["stdout"] == "done",
     "skipped, since %(t)s/gone does not exist", False),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_check_then_apply_then_rerun(tmp_path, case):
    _, module, setup, verify, reason, want_diff = case
    args = setup(tmp_path)
    before = snapshot(tmp_path)

    checked = run(module, args, check=True, diff=True)
    assert checked["status"] == "changed", checked
    assert snapshot(tmp_path) == before, "check mode wrote to the host"
    if want_diff:
        assert checked["diff"] is not None and checked["diff"]["after"] != checked["diff"]["before"]

    applied = run(module, args, diff=True)
    assert applied["status"] == "changed", applied
    assert verify(tmp_path, applied)

    again = run(module, args)
    assert again["status"] == "ok", again
    assert reason % {"t": tmp_path} in again["msg"]
    assert again["changes"] == [] and again["diff"] is None

    assert run(module, args, check=True)["status"] == "ok"


def test_touch_is_always_changed_like_ansible(tmp_path):
    args = {"path": str(tmp_path / "t"), "state": "touch"}
    assert run("file", args)["status"] == "changed"
    os.utime(str(tmp_path / "t"), (1, 1))
    before = snapshot(tmp_path)
    assert run("file", args, check=True)["status"] == "changed"
    assert snapshot(tmp_path) == before
    second = run("file", args)
    assert second["status"] == "changed"
    assert [c["what"] for c in second["changes"]] == ["access_time", "modification_time"]
    assert os.stat(str(tmp_path / "t")).st_mtime > 1


def test_stat_and_ping_never_change(tmp_path):
    _write(tmp_path / "f", "abc", 0o640)
    before = snapshot(tmp_path)
    for check in (False, True):
        result = run("stat", {"path": str(tmp_path / "f")}, check=check)
        assert result["status"] == "ok"
        facts = result["data"]["stat"]
        assert facts["mode"] == "0640" and facts["isreg"] and not facts["isdir"]
        assert facts["size"] == 3 and facts["pw_name"] == "root" and facts["gr_name"] == "root"
        assert facts["checksum"] == "a9993e364706816aba3e25717850c26c9cd0d89d"  # sha1("abc")
        pong = run("ping", {}, check=check)
        assert (pong["status"], pong["data"]) == ("ok", {"ping": "pong"})
    assert snapshot(tmp_path) == before
