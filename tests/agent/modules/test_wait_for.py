"""wait_for: registered values as Ansible's, skipped in check mode, timeout message."""

from .conftest import run


def test_path_with_regex_registers_groups_and_the_file(tmp_path):
    status = tmp_path / "status"
    status.write_text("version=4.2 ready\n")
    result = run("wait_for", {"path": str(status), "search_regex": r"version=(?P<major>\d+)\.(\d+)",
                              "timeout": 5})
    data = result["data"]
    assert result["status"] == "ok"
    assert (data["match_groups"], data["match_groupdict"]) == (["4", "2"], {"major": "4"})
    assert (data["elapsed"], data["state"], data["mode"], data["size"], data["port"]) == (
        0, "file", "0644", 18, None)


def test_absent_path_and_check_mode(tmp_path):
    gone = run("wait_for", {"path": str(tmp_path / "none"), "state": "absent", "timeout": 5})
    assert gone["status"] == "ok" and gone["data"]["state"] == "absent"
    skipped = run("wait_for", {"path": str(tmp_path / "none"), "timeout": 5}, check=True)
    assert skipped["status"] == "skipped"
    assert skipped["data"]["msg"] == "remote module (wait_for) does not support check mode"


def test_timeout(tmp_path):
    late = run("wait_for", {"path": str(tmp_path / "never"), "timeout": 0.2, "sleep": 0.05})
    assert late["status"] == "failed" and late["msg"].startswith("timeout after 0.2s")
