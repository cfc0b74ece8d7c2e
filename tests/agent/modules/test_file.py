"""file: states, links, recursion, errors with messages a user can act on."""

import os
import shutil
import subprocess

import pytest

from .conftest import run, snapshot


def test_state_file_on_missing_path_fails(tmp_path):
    result = run("file", {"path": str(tmp_path / "x")})
    assert result["status"] == "failed"
    assert result["msg"] == ("file %s does not exist; use state=touch to create it, or copy to "
                             "give it content" % (tmp_path / "x"))


def test_directory_whose_parent_another_process_makes_meanwhile(tmp_path, monkeypatch):
    """Two tasks on one host making siblings under a missing parent: the second's mkdir of
    the parent finds it already made (FileExistsError) and goes on."""
    import corral.modules.file as file_module

    real_mkdir = os.mkdir
    parent = str(tmp_path / "shared")

    def racing_mkdir(path, *args):
        if path == parent and not os.path.isdir(parent):
            real_mkdir(path)  # the other process wins the race
        real_mkdir(path, *args)

    monkeypatch.setattr(file_module.os, "mkdir", racing_mkdir)
    result = run("file", {"path": str(tmp_path / "shared" / "node01"), "state": "directory",
                          "mode": "0750"})
    assert result["status"] == "changed", result
    assert os.path.isdir(str(tmp_path / "shared" / "node01"))
    assert oct(os.stat(parent).st_mode & 0o777) == "0o750"


def test_directory_over_a_file_in_the_way_of_a_parent_still_fails(tmp_path):
    (tmp_path / "f").write_text("")
    result = run("file", {"path": str(tmp_path / "f" / "sub"), "state": "directory"})
    assert result["status"] == "failed"


def test_directory_over_file_fails(tmp_path):
    (tmp_path / "f").write_text("")
    result = run("file", {"path": str(tmp_path / "f"), "state": "directory"})
    assert result["msg"] == "%s exists and is a file, not a directory" % (tmp_path / "f")


def test_absent_removes_recursively_and_reports_kind(tmp_path):
    (tmp_path / "d/e").mkdir(parents=True)
    (tmp_path / "d/e/f").write_text("x")
    result = run("file", {"path": str(tmp_path / "d"), "state": "absent"})
    assert result["msg"] == "removed %s (directory)" % (tmp_path / "d")
    assert not (tmp_path / "d").exists()


def test_symlink_retarget_and_refuse_file(tmp_path):
    (tmp_path / "a").write_text("a")
    (tmp_path / "b").write_text("b")
    os.symlink("a", str(tmp_path / "ln"))
    args = {"path": str(tmp_path / "ln"), "src": "b", "state": "link"}
    result = run("file", args)
    assert result["status"] == "changed"
    assert result["changes"] == [{"what": "state", "before": "link to a", "after": "link to b"}]
    assert os.readlink(str(tmp_path / "ln")) == "b"

    refused = run("file", {"path": str(tmp_path / "a"), "src": "b", "state": "link"})
    assert refused["status"] == "failed"
    assert refused["msg"] == ("%s exists and is a file; refusing to replace it with a symlink "
                              "(use force=yes)" % (tmp_path / "a"))
    forced = run("file", {"path": str(tmp_path / "a"), "src": "b", "state": "link", "force": True})
    assert forced["status"] == "changed" and os.readlink(str(tmp_path / "a")) == "b"
    assert sorted(os.listdir(str(tmp_path))) == ["a", "b", "ln"]  # no temp link left


def test_dangling_link_needs_force(tmp_path):
    args = {"path": str(tmp_path / "ln"), "src": "missing", "state": "link"}
    refused = run("file", args)
    assert refused["msg"] == ("src missing does not exist; use force=yes if you really want a "
                              "dangling link")
    assert run("file", dict(args, force=True))["status"] == "changed"
    assert os.readlink(str(tmp_path / "ln")) == "missing"
    assert run("file", dict(args, force=True))["status"] == "ok"


def test_link_replaces_empty_directory_only(tmp_path):
    (tmp_path / "t").write_text("")
    (tmp_path / "full").mkdir()
    (tmp_path / "full/x").write_text("")
    result = run("file", {"path": str(tmp_path / "full"), "src": "t", "state": "link",
                          "force": True})
    assert result["msg"] == ("the directory %s is not empty; refusing to replace it with a "
                             "symlink" % (tmp_path / "full"))
    (tmp_path / "empty").mkdir()
    assert run("file", {"path": str(tmp_path / "empty"), "src": "t", "state": "link",
                        "force": True})["status"] == "changed"
    assert os.path.islink(str(tmp_path / "empty"))


def test_link_owner_applies_to_target_when_following(tmp_path):
    (tmp_path / "t").write_text("")
    args = {"path": str(tmp_path / "ln"), "src": "t", "state": "link", "owner": "nobody"}
    run("file", args)
    assert os.stat(str(tmp_path / "t")).st_uid == 65534
    run("file", dict(args, follow=False, owner="root", path=str(tmp_path / "ln2")))
    assert os.lstat(str(tmp_path / "ln2")).st_uid == 0


def test_hard_link_over_other_file_needs_force(tmp_path):
    (tmp_path / "t").write_text("t")
    (tmp_path / "other").write_text("o")
    args = {"path": str(tmp_path / "other"), "src": str(tmp_path / "t"), "state": "hard"}
    assert run("file", args)["msg"].endswith("refusing to replace it with a hard link "
                                             "(use force=yes)")
    assert run("file", dict(args, force=True))["status"] == "changed"
    assert os.path.samefile(str(tmp_path / "other"), str(tmp_path / "t"))


def test_recurse_sets_modes_with_capital_x(tmp_path):
    top = tmp_path / "tree"
    (top / "sub").mkdir(parents=True)
    (top / "sub/f").write_text("")
    os.chmod(str(top / "sub/f"), 0o600)
    os.chmod(str(top / "sub"), 0o700)
    args = {"path": str(top), "state": "directory", "recurse": True, "mode": "a+rX",
            "owner": "nobody"}
    result = run("file", args)
    assert result["status"] == "changed"
    assert {"what": "sub/f: mode", "before": "0600", "after": "0644"} in result["changes"]
    assert {"what": "sub: mode", "before": "0700", "after": "0755"} in result["changes"]
    assert oct(os.stat(str(top / "sub/f")).st_mode & 0o777) == "0o644"
    assert oct(os.stat(str(top / "sub")).st_mode & 0o777) == "0o755"
    assert os.stat(str(top / "sub/f")).st_uid == 65534
    assert run("file", args)["status"] == "ok"


def test_recurse_needs_directory(tmp_path):
    result = run("file", {"path": str(tmp_path), "state": "file", "recurse": True})
    assert result["msg"] == "recurse=yes works only with state=directory"


@pytest.mark.parametrize("mode,expected", [(0o640, 0o640), ("0640", 0o640), ("640", 0o640),
                                           ("u=rw,g=r,o=", 0o640), ("a-w", 0o444)])
def test_mode_forms_end_to_end(tmp_path, mode, expected):
    (tmp_path / "f").write_text("")
    os.chmod(str(tmp_path / "f"), 0o644)
    run("file", {"path": str(tmp_path / "f"), "mode": mode})
    assert os.stat(str(tmp_path / "f")).st_mode & 0o7777 == expected
    assert run("file", {"path": str(tmp_path / "f"), "mode": mode})["status"] == "ok"


def test_check_mode_directory_with_mode_writes_nothing(tmp_path):
    before = snapshot(tmp_path)
    result = run("file", {"path": str(tmp_path / "new"), "state": "directory", "mode": "0700"},
                 check=True)
    assert result["changes"] == [{"what": "state", "before": "absent", "after": "directory"},
                                 {"what": "mode", "before": None, "after": "0700"}]
    assert result["msg"] == "created directory %s" % (tmp_path / "new")
    assert snapshot(tmp_path) == before


def test_touch_with_explicit_time(tmp_path):
    args = {"path": str(tmp_path / "f"), "state": "touch", "modification_time": "202001021530.00",
            "access_time": "preserve"}
    run("file", args)
    assert os.stat(str(tmp_path / "f")).st_mtime == pytest.approx(1577979000, abs=86400)
    assert run("file", args)["status"] == "ok"
    bad = run("file", dict(args, modification_time="yesterday"))
    assert bad["msg"] == ("modification_time: 'yesterday' is not now, preserve or a time in "
                          "the format %Y%m%d%H%M.%S")


def test_time_formats(tmp_path):
    args = {"path": str(tmp_path / "f"), "state": "touch", "access_time": "preserve",
            "modification_time": "2020-01-02 15:30", "modification_time_format": "%Y-%m-%d %H:%M"}
    assert run("file", args)["status"] == "changed"
    assert os.stat(str(tmp_path / "f")).st_mtime == pytest.approx(1577979000, abs=86400)
    assert run("file", args)["status"] == "ok"


def _flags(path):
    return subprocess.run(["lsattr", "-d", str(path)], capture_output=True, text=True).stdout.split()[0]


@pytest.mark.skipif(shutil.which("chattr") is None, reason="needs e2fsprogs")
def test_attributes_triple(tmp_path):
    target = tmp_path / "f"
    target.write_text("x")
    if subprocess.run(["lsattr", "-d", str(target)], capture_output=True).returncode != 0:
        pytest.skip("this filesystem has no ext2-style attributes")
    args = {"path": str(target), "attributes": "+d"}
    check = run("file", args, check=True)
    assert check["status"] == "changed" and "d" not in _flags(target)
    assert check["changes"][0]["what"] == "attributes"
    assert run("file", args)["status"] == "changed" and "d" in _flags(target)
    assert run("file", args)["status"] == "ok"
    removed = run("file", {"path": str(target), "attributes": "-d"})
    assert removed["status"] == "changed" and "d" not in _flags(target)
    assert run("file", {"path": str(target), "attributes": "-d"})["status"] == "ok"


def test_selinux_arguments_are_accepted_without_selinux(tmp_path):
    if os.path.exists("/sys/fs/selinux/enforce"):
        pytest.skip("this machine runs SELinux")
    args = {"path": str(tmp_path), "state": "directory", "setype": "httpd_sys_content_t",
            "seuser": "system_u", "serole": "object_r", "selevel": "s0", "unsafe_writes": True}
    assert run("file", args)["status"] == "ok"


def test_registered_keys_are_ansibles(tmp_path):
    made = run("file", {"path": str(tmp_path / "d"), "state": "directory", "mode": "0750"})
    data = made["data"]
    assert {k: data[k] for k in ("path", "state", "mode", "owner", "group", "uid", "gid")} == {
        "path": str(tmp_path / "d"), "state": "directory", "mode": "0750", "owner": "root",
        "group": "root", "uid": 0, "gid": 0}
    again = run("file", {"path": str(tmp_path / "d"), "state": "directory", "mode": "0750"})
    assert again["status"] == "ok" and again["data"]["mode"] == "0750" and "size" in again["data"]
    touched = run("file", {"path": str(tmp_path / "t"), "state": "touch"})["data"]
    assert (touched["dest"], touched["state"], touched["size"]) == (str(tmp_path / "t"), "file", 0)
    link = run("file", {"path": str(tmp_path / "l"), "src": str(tmp_path / "t"),
                        "state": "link"})["data"]
    assert (link["dest"], link["src"], link["state"], link["mode"]) == (
        str(tmp_path / "l"), str(tmp_path / "t"), "link", "0777")
    gone = run("file", {"path": str(tmp_path / "t"), "state": "absent"})["data"]
    assert gone == {"path": str(tmp_path / "t"), "state": "absent"}


def test_check_mode_touch_and_link_in_a_folder_an_earlier_task_makes(tmp_path):
    before = snapshot(tmp_path)
    touched = run("file", {"path": str(tmp_path / "new/f"), "state": "touch"}, check=True)
    assert touched["status"] == "changed" and "an earlier task would have to create it" in touched["msg"]
    linked = run("file", {"path": str(tmp_path / "new/l"), "src": "/etc/hostname", "state": "link"},
                 check=True)
    assert linked["status"] == "changed"
    assert snapshot(tmp_path) == before
    assert run("file", {"path": str(tmp_path / "new/f"), "state": "touch"})["msg"] == (
        "cannot touch %s: its directory does not exist" % (tmp_path / "new/f"))
