"""lineinfile: a table of Ansible's behaviours on the pure edit, then the module end to end."""

import pytest

from corral.modules.lineinfile import absent, present, split_lines

from .conftest import run, snapshot

BASE = "# comment\nport=22\nlisten=a\nport=23\nend\n"


def _args(**given):
    args = {"line": None, "regexp": None, "search_string": None, "insertafter": None,
            "insertbefore": None, "backrefs": False, "firstmatch": False}
    args.update(given)
    return args


# (id, text, args, expected text, expected message)
PRESENT = [
    ("regexp replaces the last match", BASE, _args(regexp="^port=", line="port=80"),
     "# comment\nport=22\nlisten=a\nport=80\nend\n", "line replaced"),
    ("firstmatch replaces the first", BASE, _args(regexp="^port=", line="port=80", firstmatch=True),
     "# comment\nport=80\nlisten=a\nport=23\nend\n", "line replaced"),
    ("already there", BASE, _args(regexp="^port=23", line="port=23"), BASE, "line already present"),
    ("regexp no match -> EOF", BASE, _args(regexp="^x=", line="x=1"), BASE + "x=1\n", "line added"),
    ("no regexp, present line kept", BASE, _args(line="listen=a"), BASE, "line already present"),
    ("insertafter regex (last match)", BASE, _args(line="new", insertafter="^port="),
     "# comment\nport=22\nlisten=a\nport=23\nnew\nend\n", "line added"),
    ("insertafter firstmatch", BASE, _args(line="new", insertafter="^port=", firstmatch=True),
     "# comment\nport=22\nnew\nlisten=a\nport=23\nend\n", "line added"),
    ("insertbefore regex", BASE, _args(line="new", insertbefore="^listen"),
     "# comment\nport=22\nnew\nlisten=a\nport=23\nend\n", "line added"),
    ("insertbefore BOF", BASE, _args(line="new", insertbefore="BOF"), "new\n" + BASE, "line added"),
    ("insertafter EOF", BASE, _args(line="new", insertafter="EOF"), BASE + "new\n", "line added"),
    ("insertafter no match -> EOF", BASE, _args(line="new", insertafter="^nothing"),
     BASE + "new\n", "line added"),
    ("insertbefore no match -> EOF", BASE, _args(line="new", insertbefore="^nothing"),
     BASE + "new\n", "line added"),
    ("missing final newline", "a\nb", _args(line="c"), "a\nb\nc\n", "line added"),
    ("empty file", "", _args(line="c"), "c\n", "line added"),
    ("backrefs expands groups", "port = 22\n",
     _args(regexp=r"^port = (\d+)$", line=r"port=\1", backrefs=True), "port=22\n", "line replaced"),
    ("backrefs no match: no change", BASE, _args(regexp="^nomatch(.*)", line=r"x\1", backrefs=True),
     BASE, "regexp matched no line; with backrefs nothing is added"),
    ("regexp wins over insertafter", BASE, _args(regexp="^listen", line="listen=b",
                                                  insertafter="^port="),
     "# comment\nport=22\nlisten=b\nport=23\nend\n", "line replaced"),
    ("search_string replaces", BASE, _args(search_string="listen=", line="listen=z"),
     "# comment\nport=22\nlisten=z\nport=23\nend\n", "line replaced"),
    ("present next to anchor: ok", "a\nnew\nb\n", _args(line="new", insertafter="^a"),
     "a\nnew\nb\n", "line already present"),
    ("present elsewhere: added after anchor", "new\na\nb\n", _args(line="new", insertafter="^a"),
     "new\na\nnew\nb\n", "line added"),
]

ABSENT = [
    ("regexp removes all", BASE, _args(regexp="^port="), "# comment\nlisten=a\nend\n",
     "2 line(s) removed"),
    ("line exact", BASE, _args(line="end"), "# comment\nport=22\nlisten=a\nport=23\n",
     "1 line(s) removed"),
    ("search_string", BASE, _args(search_string="comm"), "port=22\nlisten=a\nport=23\nend\n",
     "1 line(s) removed"),
    ("nothing matches", BASE, _args(regexp="^zzz"), BASE, "no line matches; nothing to remove"),
]


@pytest.mark.parametrize("text,args,expected,message", [c[1:] for c in PRESENT],
                         ids=[c[0] for c in PRESENT])
def test_present(text, args, expected, message):
    lines, msg = present(split_lines(text), args)
    assert ("".join(lines), msg) == (expected, message)


@pytest.mark.parametrize("text,args,expected,message", [c[1:] for c in ABSENT],
                         ids=[c[0] for c in ABSENT])
def test_absent(text, args, expected, message):
    lines, msg = absent(split_lines(text), args)
    assert ("".join(lines), msg) == (expected, message)


def test_split_lines_keeps_endings():
    assert split_lines("a\r\nb\n\nc") == ["a\r\n", "b\n", "\n", "c"]
    assert split_lines("") == []


def test_missing_file_fails_without_create(tmp_path):
    result = run("lineinfile", {"path": str(tmp_path / "nope"), "line": "x"})
    assert result["status"] == "failed"
    assert result["msg"] == "%s does not exist; use create=yes to create it" % (tmp_path / "nope")


def test_absent_on_missing_file_is_ok(tmp_path):
    result = run("lineinfile", {"path": str(tmp_path / "nope"), "line": "x", "state": "absent"})
    assert (result["status"], result["msg"]) == ("ok", "%s does not exist; nothing to remove"
                                                 % (tmp_path / "nope"))


def test_absent_end_to_end_with_diff_and_backup(tmp_path):
    path = tmp_path / "hosts"
    path.write_text("127.0.0.1 a\n10.0.0.1 old\n")
    args = {"path": str(path), "regexp": "old$", "state": "absent", "backup": True}
    result = run("lineinfile", args, diff=True)
    assert result["status"] == "changed" and result["msg"] == f"{path}: 1 line(s) removed"
    assert result["diff"]["before"] == "127.0.0.1 a\n10.0.0.1 old\n"
    assert result["diff"]["after"] == "127.0.0.1 a\n"
    with open(result["data"]["backup_file"]) as handle:
        assert handle.read() == "127.0.0.1 a\n10.0.0.1 old\n"
    assert run("lineinfile", args)["status"] == "ok"


def test_argument_conflicts_are_reported_together(tmp_path):
    result = run("lineinfile", {"path": str(tmp_path / "f"), "regexp": "a", "search_string": "b",
                                "insertafter": "x", "insertbefore": "y"})
    assert result["status"] == "failed"
    assert result["msg"] == ("regexp and search_string are mutually exclusive; insertafter and "
                             "insertbefore are mutually exclusive; state=present needs line")


def test_validate_failure_leaves_file_untouched(tmp_path):
    path = tmp_path / "f"
    path.write_text("a\n")
    before = snapshot(tmp_path)
    result = run("lineinfile", {"path": str(path), "line": "b", "validate": "false %s"})
    assert result["status"] == "failed" and result["msg"].startswith("validation failed (rc=1)")
    after = snapshot(tmp_path)
    assert after["f"] == before["f"] and sorted(after) == ["."] + ["f"]  # no temp file left


def test_mode_only_change(tmp_path):
    path = tmp_path / "f"
    path.write_text("a\n")
    path.chmod(0o644)
    result = run("lineinfile", {"path": str(path), "line": "a", "mode": "0600"})
    assert result["status"] == "changed"
    assert result["changes"] == [{"what": "mode", "before": "0644", "after": "0600"}]
    assert path.stat().st_mode & 0o777 == 0o600 and path.read_text() == "a\n"
