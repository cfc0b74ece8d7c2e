"""The differential harness's own logic, without hosts: recap parsing, JSON comparison,
the intended list, the corpus's case files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.differential.cases import Case, CaseError, case_names, load_case
from tests.differential.compare import Difference, compare_runs, json_differences
from tests.differential.intended import load_intended
from tests.differential.snapshot import Snapshot
from tests.differential.suite import CaseResult, Judged
from tests.differential.table import unused_entries
from tests.differential.tools import ToolRun, parse_ansible_recap

INTENDED = load_intended()
VOLATILE = INTENDED.volatile_keys

RECAP = """PLAY RECAP ****
diffhost                   : ok=4    changed=2    unreachable=0    failed=1    skipped=3    rescued=0    ignored=1
"""


def test_ansible_recap_is_parsed() -> None:
    assert parse_ansible_recap(RECAP) == {"ok": 4, "changed": 2, "unreachable": 0, "failed": 1,
                                          "skipped": 3, "rescued": 0, "ignored": 1}
    assert parse_ansible_recap("no recap here") is None


JSON_CASES = [
    ("equal", {"a": 1}, {"a": 1}, []),
    ("corral may add keys", {"a": 1}, {"a": 1, "b": 2}, []),
    ("a missing key", {"a": 1, "b": 2}, {"a": 1}, ["json:f.json:b"]),
    ("a different value deep down", {"r": {"results": [{"rc": 0}, {"rc": 1}]}},
     {"r": {"results": [{"rc": 0}, {"rc": 2}]}}, ["json:f.json:r.results[1].rc"]),
    ("bool is not int", {"a": True}, {"a": 1}, ["json:f.json:a"]),
    ("volatile keys are ignored", {"start": "x", "delta": "1", "invocation": {}, "a": 1},
     {"start": "y", "a": 1}, []),
    ("temp paths are ignored", {"src": "/root/.ansible/tmp/ansible-tmp-1/source"}, {}, []),
    ("list lengths differ", {"l": [1, 2]}, {"l": [1]}, ["json:f.json:l"]),
]


@pytest.mark.parametrize(("a", "c", "expected"), [c[1:] for c in JSON_CASES],
                         ids=[c[0] for c in JSON_CASES])
def test_json_subset(a: object, c: object, expected: list[str]) -> None:
    found = json_differences("f.json", json.dumps(a), json.dumps(c), VOLATILE)
    assert [d.what for d in found] == expected


def _run(tool: str, code: int, changed: int = 0) -> ToolRun:
    recap = {k: 0 for k in ("ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored")}
    recap["changed"] = changed
    return ToolRun(tool, code, recap, "", 0.0)


EXIT_CASES = [
    ("success", 0, 0, 0, False, []),
    ("a failure: ansible 2 is corral 1", 2, 1, 0, False, []),
    ("a failure missed", 2, 0, 0, False, ["exit"]),
    ("check drift: corral exits 2", 0, 2, 1, True, []),
    ("check without drift", 0, 0, 0, True, []),
    ("check drift exit 0 is a difference", 0, 0, 1, True, ["check.exit"]),
]


@pytest.mark.parametrize(("a_code", "c_code", "changed", "check", "expected"),
                         [c[1:] for c in EXIT_CASES], ids=[c[0] for c in EXIT_CASES])
def test_exit_codes_through_the_mapping(a_code: int, c_code: int, changed: int, check: bool,
                                        expected: list[str]) -> None:
    empty = Snapshot({})
    found = compare_runs(_run("ansible", a_code, changed), _run("corral", c_code, changed),
                         empty, empty, INTENDED, check)
    assert [d.what for d in found] == expected


def test_files_are_compared_by_attribute_and_content() -> None:
    a = Snapshot({"/srv/diff/x": {"type": "file", "mode": "0644", "owner": "root", "group": "root",
                                  "content": "a\n"},
                  "/srv/diff/only-a": {"type": "file", "mode": "0644", "content": ""}})
    c = Snapshot({"/srv/diff/x": {"type": "file", "mode": "0600", "owner": "root", "group": "root",
                                  "content": "b\n"}})
    found = compare_runs(_run("ansible", 0), _run("corral", 0), a, c, INTENDED, False)
    assert [d.what for d in found] == ["file:/srv/diff/only-a", "file:/srv/diff/x:mode",
                                       "file:/srv/diff/x:content"]


def test_intended_entries_match_by_pattern() -> None:
    assert INTENDED.reason_for("result_accounting", "json:r.json:cmd.exception") is not None
    assert INTENDED.reason_for("other_case", "json:r.json:cmd.exception") is None
    assert INTENDED.reason_for("new_args_file", "check.exit") is not None
    assert INTENDED.reason_for("new_args_file", "exit") is None
    assert all(e.reason for e in INTENDED.entries)


@pytest.mark.parametrize("name", case_names())
def test_every_case_file_is_valid(name: str) -> None:
    case = load_case(name)
    assert case.description, f"{name}: case.yml needs a description"
    assert "hosts: all" in case.playbook.read_text()


def test_a_bad_case_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "play.yml").write_text("- hosts: all\n")
    (tmp_path / "bad" / "case.yml").write_text("colour: red\n")
    with pytest.raises(CaseError, match="unknown keys"):
        load_case("bad", tmp_path)


def test_unused_entries_are_reported() -> None:
    entry = INTENDED.reason_for("result_accounting", "json:r.json:cmd.exception")
    result = CaseResult(Case("result_accounting", Path(".")),
                        judged=[Judged(Difference("json:r.json:cmd.exception", "x"), entry)])
    text = unused_entries({"result_accounting": result}, INTENDED)
    assert "case result_accounting, what json:*.exception" not in text
    assert "case new_args_file" in text
