"""The pure parts of the deploy modules (pip's specifiers, git's plan, fetch's local path,
raw's and reboot's command lines) as tables, and copy of a directory, slurp and fetch run
in-process three ways."""

import asyncio
import base64
import hashlib
from pathlib import Path

import pytest

from corral.errors import PlaybookError
from corral.executor.raw_call import raw_command
from corral.executor.reboot_call import reboot_line
from corral.modules import git, pip
from corral.modules._api import Context, ModuleError
from corral.prepare import PrepareContext, prepare
from corral.prepare.fetch import local_dest, receive_fetch
from corral.transport.become import Become

from .conftest import run, snapshot


@pytest.mark.parametrize(("text", "expected"), [
    ("Flask", ("flask", [])),
    ("requests>=2,<3", ("requests", [(">=", "2"), ("<", "3")])),
    ("Foo_Bar.baz == 1.0", ("foo-bar-baz", [("==", "1.0")])),
    ("pkg[extra]~=1.4", ("pkg", [("~=", "1.4")])),
    ("pkg>=1; python_version>'3'", ("pkg", [(">=", "1")])),
    ("git+https://example.com/x.git", None),
    ("./local/dir", None),
    ("pkg @ file:///x.whl", None),
])
def test_parse_requirement(text, expected):
    assert pip.parse_requirement(text) == expected


@pytest.mark.parametrize(("version", "specs", "ok"), [
    ("1.0", [("==", "1.0")], True),
    ("1.0.0", [("==", "1.0")], True),
    ("1.10", [(">", "1.9")], True),
    ("2.0", [("<", "2")], False),
    ("1.4.5", [("~=", "1.4")], True),
    ("2.0", [("~=", "1.4")], False),
    ("1.2.3", [("==", "1.2.*")], True),
    ("1.3", [("==", "1.2.*")], False),
    ("1.0", [("!=", "1.0")], False),
    ("2.5", [(">=", "2"), ("<", "3")], True),
])
def test_satisfies(version, specs, ok):
    assert pip.satisfies(version, specs) is ok


def test_pip_keeps_only_index_options_for_list():
    args = {"extra_args": "--no-index --find-links /w -f=/x --no-deps --index-url http://i/ --pre"}
    assert pip._extra(args) == ["--no-index", "--find-links", "/w", "-f=/x", "--index-url",
                                "http://i/", "--pre"]


def _git_args(**over):
    args = {"repo": "file:///r.git", "dest": "/srv/app", "version": "main", "force": False,
            "update": True, "clone": True, "remote": "origin", "bare": False}
    args.update(over)
    return args


SHA1, SHA2 = "a" * 40, "b" * 40


@pytest.mark.parametrize(("current", "over", "changed", "data"), [
    ({"repo": None, "wanted": SHA1}, {}, True, {"before": None, "after": SHA1}),
    ({"repo": None}, {"clone": False}, False, {"before": None, "after": None}),
    ({"repo": {"head": SHA1, "url": "file:///r.git", "mods": ""}, "wanted": SHA1}, {}, False,
     {"before": SHA1, "after": SHA1, "remote_url_changed": False}),
    ({"repo": {"head": SHA1, "url": "file:///r.git", "mods": ""}, "wanted": SHA2}, {}, True,
     {"before": SHA1, "after": SHA2, "remote_url_changed": False}),
    ({"repo": {"head": SHA1, "url": "file:///old.git", "mods": ""}, "wanted": SHA1}, {}, True,
     {"before": SHA1, "after": SHA1, "remote_url_changed": True}),
    ({"repo": {"head": SHA1, "url": "file:///old.git", "mods": ""}}, {"update": False}, False,
     {"before": SHA1, "after": SHA1, "remote_url_changed": False}),
])
def test_git_plan(current, over, changed, data):
    plan = git.plan(Context(), _git_args(**over), current)
    assert plan.changed is changed
    assert {k: plan.data[k] for k in data} == data


def test_git_local_modifications():
    current = {"repo": {"head": SHA1, "url": "file:///r.git", "mods": " M app.py\n?? x"},
               "wanted": SHA1}
    with pytest.raises(ModuleError, match=r"local modifications exist in /srv/app \(force=no\): "
                                          r"app.py, x; .*force: true"):
        git.plan(Context(), _git_args(), current)
    plan = git.plan(Context(), _git_args(force=True), current)
    assert plan.changed and plan.data["warnings"]


@pytest.mark.parametrize(("args", "expected"), [
    ({"src": "/etc/hosts", "dest": "out"}, "PB/out/web1/etc/hosts"),
    ({"src": "/etc/hosts", "dest": "/abs"}, "/abs/web1/etc/hosts"),
    ({"src": "/etc/hosts", "dest": "/abs/h.txt", "flat": True}, "/abs/h.txt"),
    ({"src": "/etc/hosts", "dest": "/abs/", "flat": "yes"}, "/abs/hosts"),
])
def test_fetch_local_dest(args, expected):
    assert str(local_dest(args, "web1", Path("PB"))) == expected


def test_fetch_refuses_escapes():
    with pytest.raises(PlaybookError, match="must not contain"):
        local_dest({"src": "/a/../../etc/passwd", "dest": "/d"}, "web1", Path("."))
    with pytest.raises(PlaybookError, match="cannot name a folder"):
        local_dest({"src": "/a", "dest": "/d"}, "../x", Path("."))


def _fetch(args, check=False):
    """The fetch module and the controller's receiving end, as remote_call joins them."""
    first = run("fetch", args, check=check)

    async def next_piece(offset):
        return run("fetch", {**args, "_offset": offset,
                             "_remote_checksum": first["data"].get("remote_checksum")})

    return asyncio.run(receive_fetch(first, next_piece, True))


@pytest.mark.parametrize("chunk", [None, 7])
def test_fetch_three_ways_in_process(tmp_path, monkeypatch, chunk):
    from corral.modules import fetch

    if chunk:
        monkeypatch.setattr(fetch, "CHUNK", chunk)  # 45 bytes arrive in 7 pieces
    remote = tmp_path / "remote.txt"
    remote.write_bytes(b"0123456789" * 4 + b"data\n")
    context = PrepareContext(tmp_path, host="web1")
    args = dict(prepare("fetch", {"src": str(remote), "dest": str(tmp_path / "out")},
                        context).args)
    local = tmp_path / "out" / "web1" / str(remote).lstrip("/")
    check = _fetch(args, check=True)
    assert check["status"] == "changed" and not local.exists()
    done = _fetch(args)
    assert done["status"] == "changed" and local.read_bytes() == remote.read_bytes()
    assert not [k for k in done["data"] if k.startswith("_")]
    assert done["data"]["checksum"] == hashlib.sha1(remote.read_bytes()).hexdigest()
    args = dict(prepare("fetch", {"src": str(remote), "dest": str(tmp_path / "out")},
                        context).args)
    assert _fetch(args)["status"] == "ok"
    assert list(local.parent.iterdir()) == [local]  # no temp file left


def test_fetch_checksum_mismatch_writes_nothing(tmp_path):
    dest = tmp_path / "x"
    result = {"status": "changed", "data": {"_content_b64": base64.b64encode(b"x").decode(),
                                            "dest": str(dest), "remote_checksum": "0" * 40}}

    async def never(offset):
        raise AssertionError("no second piece")

    failed = asyncio.run(receive_fetch(result, never, True))
    assert failed["status"] == "failed" and "checksum mismatch" in failed["msg"]
    assert not dest.exists() and list(tmp_path.iterdir()) == []


def test_slurp(tmp_path):
    (tmp_path / "f").write_bytes(b"\x00\x01abc")
    result = run("slurp", {"src": str(tmp_path / "f")})
    assert result["status"] == "ok"
    assert base64.b64decode(result["data"]["content"]) == b"\x00\x01abc"
    assert run("slurp", {"src": str(tmp_path / "nope")})["msg"].startswith("file not found")


def test_copy_directory_three_ways_in_process(tmp_path):
    site = tmp_path / "files" / "site"
    (site / "css").mkdir(parents=True)
    (site / "index.html").write_text("hi\n")
    (site / "css" / "a.css").write_text("a {}\n")
    dest = tmp_path / "dest"
    args = dict(prepare("copy", {"src": "site", "dest": str(dest), "mode": "0600",
                                 "directory_mode": "0700"}, PrepareContext(tmp_path)).args)
    check = run("copy", args, check=True)
    assert check["status"] == "changed" and not dest.exists()
    done = run("copy", args)
    assert done["status"] == "changed", done
    assert (dest / "site" / "css" / "a.css").read_text() == "a {}\n"
    assert oct((dest / "site" / "css").stat().st_mode & 0o777) == "0o700"
    assert oct((dest / "site" / "index.html").stat().st_mode & 0o777) == "0o600"
    before = snapshot(dest)
    again = run("copy", args)
    assert again["status"] == "ok" and "all 2 files already" in again["msg"]
    assert snapshot(dest) == before


def test_copy_remote_src_directory_contents(tmp_path):
    (tmp_path / "src" / "sub").mkdir(parents=True)
    (tmp_path / "src" / "sub" / "f").write_text("f\n")
    args = {"src": str(tmp_path / "src") + "/", "dest": str(tmp_path / "d"), "remote_src": True}
    assert run("copy", args)["status"] == "changed"
    assert (tmp_path / "d" / "sub" / "f").read_text() == "f\n"
    assert run("copy", args)["status"] == "ok"


@pytest.mark.parametrize(("command", "executable", "become", "expected"), [
    ("echo hi", None, None, "echo hi"),
    ("echo $X", "/bin/bash", None, "/bin/bash -c 'echo $X'"),
    ("id", None, Become("root"), "sudo -H -n -u root -- /bin/sh -c id"),
])
def test_raw_command(command, executable, become, expected):
    assert raw_command(command, executable, become) == expected


def test_reboot_line_is_detached_and_delayed():
    line = reboot_line({"msg": "it's time", "pre_reboot_delay": 5})
    assert line.startswith("nohup sh -c ") and line.endswith(" >/dev/null 2>&1 &")
    assert "sleep 5; shutdown -r now" in line and "systemctl reboot" in line
    assert "sleep 1; /sbin/reboot" in reboot_line({"reboot_command": "/sbin/reboot"})


@pytest.fixture
def upstream(tmp_path):
    """A bare repository with two commits on main and a tag v1 on the first."""
    import subprocess

    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    work = tmp_path / "work"
    script = ("set -e; git init -q -b main {w}; cd {w}; echo 1 > a; git add a; "
              "git commit -qm 1; git tag v1; echo 2 > a; git commit -qam 2; "
              "git clone -q --bare . {up}").format(w=work, up=tmp_path / "up.git")
    subprocess.run(["sh", "-c", script], check=True, env=env)
    return "file://%s" % (tmp_path / "up.git")


@pytest.mark.parametrize(("over", "check"), [
    ({"depth": 1}, "git -C {d} rev-list --count HEAD | grep -qx 1"),
    ({"version": "v1", "single_branch": True}, "grep -qx 1 {d}/a"),
    ({"bare": True}, "test -f {d}/HEAD && test ! -e {d}/a"),
])
def test_git_clone_options(tmp_path, upstream, over, check):
    import subprocess

    dest = str(tmp_path / "co")
    args = {"repo": upstream, "dest": dest}
    args.update(over)
    assert run("git", args, check=True)["status"] == "changed" and not Path(dest).exists()
    first = run("git", args)
    assert first["status"] == "changed", first
    assert first["data"]["before"] is None and len(first["data"]["after"]) == 40
    subprocess.run(["sh", "-c", check.format(d=dest)], check=True)
    again = run("git", args)
    assert again["status"] == "ok", again
