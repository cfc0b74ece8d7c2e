"""copy (and template, which shares its logic): content, validate, backup, upload protocol."""

import base64
import hashlib
import os

from corral.modules._api import Context

from .conftest import run, snapshot


def test_validate_failure_leaves_dest_untouched(tmp_path):
    dest = tmp_path / "sudoers"
    dest.write_text("old\n")
    before = snapshot(tmp_path)
    result = run("copy", {"dest": str(dest), "content": "bad\n",
                          "validate": "sh -c 'grep -q good %s || { echo nope >&2; exit 3; }'"})
    assert result["status"] == "failed"
    assert result["msg"] == "validation failed (rc=3): nope; the destination was not changed"
    after = snapshot(tmp_path)
    assert after["sudoers"] == before["sudoers"] and sorted(after) == [".", "sudoers"]


def test_validate_success_and_needs_percent_s(tmp_path):
    dest = tmp_path / "f"
    ok = run("copy", {"dest": str(dest), "content": "good\n", "validate": "grep -q good %s"})
    assert ok["status"] == "changed" and dest.read_text() == "good\n"
    bad = run("copy", {"dest": str(dest), "content": "x\n", "validate": "true"})
    assert bad["status"] == "failed" and bad["msg"].startswith("validate must contain %s")


def test_atomic_write_leaves_no_temp_and_keeps_owner(tmp_path):
    dest = tmp_path / "f"
    dest.write_text("old\n")
    os.chown(str(dest), 65534, 65534)
    os.chmod(str(dest), 0o640)
    result = run("copy", {"dest": str(dest), "content": "new\n"})
    assert result["status"] == "changed" and result["msg"] == f"updated content of {dest}"
    assert os.listdir(str(tmp_path)) == ["f"]
    st = os.stat(str(dest))
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (65534, 65534, 0o640)


def test_backup_keeps_the_old_file(tmp_path):
    dest = tmp_path / "f"
    dest.write_text("old\n")
    result = run("copy", {"dest": str(dest), "content": "new\n", "backup": True})
    backup = result["data"]["backup_file"]
    assert backup.startswith(f"{dest}.{os.getpid()}.") and backup.endswith("~")
    assert open(backup).read() == "old\n" and dest.read_text() == "new\n"


def test_force_no_keeps_existing(tmp_path):
    dest = tmp_path / "f"
    dest.write_text("mine\n")
    result = run("copy", {"dest": str(dest), "content": "theirs\n", "force": False})
    assert result == {"status": "ok", "msg": f"{dest} exists and force=no; left as it is",
                      "diff": None, "changes": [], "data": result["data"]}
    assert dest.read_text() == "mine\n"


def test_dest_directory_uses_src_basename(tmp_path):
    data = base64.b64encode(b"payload").decode()
    result = run("copy", {"src": "/local/files/app.cfg", "dest": str(tmp_path) + "/sub/",
                          "_content_b64": data})
    assert result["status"] == "changed"
    assert (tmp_path / "sub" / "app.cfg").read_bytes() == b"payload"
    assert run("copy", {"src": "app.cfg", "dest": str(tmp_path / "sub"),
                        "_content_b64": data})["status"] == "ok"


def test_content_into_directory_fails(tmp_path):
    result = run("copy", {"dest": str(tmp_path), "content": "x"})
    assert result["status"] == "failed"
    assert result["msg"].startswith("can not use content with a directory as dest")


def test_missing_parent_fails(tmp_path):
    result = run("copy", {"dest": str(tmp_path / "no/f"), "content": "x"})
    assert (result["status"], result["msg"]) == (
        "failed", "destination directory %s does not exist" % (tmp_path / "no"))


def test_missing_parent_in_check_mode_is_a_change_that_needs_an_earlier_task(tmp_path):
    result = run("copy", {"dest": str(tmp_path / "no/f"), "content": "x"}, check=True)
    assert result["status"] == "changed"
    assert "its folder %s does not exist yet" % (tmp_path / "no") in result["msg"]
    assert not (tmp_path / "no").exists()


def test_binary_content_has_no_text_diff(tmp_path):
    data = base64.b64encode(b"\x00\x01\x02").decode()
    result = run("copy", {"dest": str(tmp_path / "b"), "src": "b", "_content_b64": data},
                 check=True, diff=True)
    assert result["status"] == "changed" and result["diff"] is None
    assert result["changes"][0] == {"what": "state", "before": "absent", "after": "file"}


def test_diff_only_in_diff_mode(tmp_path):
    (tmp_path / "f").write_text("a\n")
    args = {"dest": str(tmp_path / "f"), "content": "b\n"}
    assert run("copy", args, check=True)["diff"] is None
    diff = run("copy", args, check=True, diff=True)["diff"]
    assert diff == {"before": "a\n", "after": "b\n", "before_header": str(tmp_path / "f"),
                    "after_header": "dynamically generated"}


def test_big_file_upload_protocol(tmp_path):
    """Only the checksum first; needs_upload if it differs; then the staged file is moved in."""
    dest = tmp_path / "big"
    staged = tmp_path / "staged"
    staged.write_bytes(b"x" * 1000)
    sha = hashlib.sha1(b"x" * 1000).hexdigest()
    args = {"dest": str(dest), "src": "big", "_checksum": sha}

    assert run("copy", args, check=True)["status"] == "changed"
    asked = run("copy", args)
    assert asked["status"] == "needs_upload" and asked["data"] == {"arg": "_staged_src"}
    assert not dest.exists()

    done = run("copy", dict(args, _staged_src=str(staged)))
    assert done["status"] == "changed" and dest.read_bytes() == b"x" * 1000
    assert run("copy", args)["status"] == "ok"  # same checksum: no upload asked

    from corral.modules import copy as copy_module
    from corral.modules._api import run_module
    ctx = Context(staged={"src": str(staged)})
    assert run_module(copy_module, args, ctx)["status"] == "ok"


def test_corrupt_upload_is_refused(tmp_path):
    staged = tmp_path / "staged"
    staged.write_bytes(b"truncated")
    result = run("copy", {"dest": str(tmp_path / "d"), "src": "d", "_checksum": "0" * 40,
                          "_staged_src": str(staged)})
    assert result["status"] == "failed" and "checksum mismatch" in result["msg"]
    assert not (tmp_path / "d").exists()


def test_src_and_content_are_exclusive(tmp_path):
    result = run("copy", {"dest": str(tmp_path / "f"), "src": "a", "content": "b"})
    assert (result["status"], result["msg"]) == ("failed",
                                                 "src and content are mutually exclusive; give one")


def test_template_without_prepare_fails_clearly(tmp_path):
    result = run("template", {"src": "a.j2", "dest": str(tmp_path / "a")})
    assert result["status"] == "failed" and "was not read on the controller" in result["msg"]


def test_unknown_argument_suggests(tmp_path):
    result = run("copy", {"dest": str(tmp_path / "f"), "contnet": "x"})
    assert result["status"] == "failed"
    assert result["msg"].startswith("unknown argument 'contnet' (did you mean 'content'?)")


def test_a_content_change_carries_its_line_counts_without_diff_mode(tmp_path):
    dest = tmp_path / "f"
    dest.write_text("a\nb\nc\n")
    result = run("copy", {"dest": str(dest), "content": "a\nB\nc\nd\ne\n"}, check=True)
    (change,) = result["changes"]
    assert (change["what"], change["lines"]) == ("content", [3, 1])  # +B +d +e -b
    assert change["before"].startswith("sha1:") and result["diff"] is None
    dest.write_bytes(b"\x00\x01")
    (binary,) = run("copy", {"dest": str(dest), "content": "text\n"}, check=True)["changes"]
    assert "lines" not in binary  # binary: the output says only "content changed"
