"""Every Jinja test corral provides (Ansible's and Jinja's): one row per case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from corral.errors import TemplateError
from corral.templating import Templar, mark_unsafe

RESULTS: dict[str, Any] = {
    "ok": mark_unsafe({"changed": False, "failed": False, "rc": 0, "stdout": "fine"}),
    "bad": mark_unsafe({"changed": False, "failed": True, "rc": 2, "stderr": "boom"}),
    "chg": mark_unsafe({"changed": True, "rc": 0}),
    "skip": mark_unsafe({"changed": False, "skipped": True}),
    "loop": mark_unsafe({"results": [{"changed": False}, {"changed": True}]}),
    "x": 5,
    "nothing": None,
    "text": "web-01",
    "items": [1, 2, 3],
    "conf": {"a": 1},
}

CASES: list[tuple[str, bool]] = [
    ("x is defined", True),
    ("y is defined", False),
    ("y is undefined", True),
    ("nothing is none", True),
    ("x is none", False),
    ("ok is succeeded", True),
    ("ok is success", True),
    ("bad is succeeded", False),
    ("bad is failed", True),
    ("bad is failure", True),
    ("ok is failed", False),
    ("chg is changed", True),
    ("chg is change", True),
    ("ok is changed", False),
    ("loop is changed", True),
    ("skip is skipped", True),
    ("skip is skip", True),
    ("ok is skipped", False),
    ("text is match('web')", True),
    ("text is match('01')", False),
    ("text is search('01')", True),
    ("text is search('^01')", False),
    ("text is regex('WEB', ignorecase=true)", True),
    ("text is regex('01$', match_type='match')", False),
    ("'1.10' is version('1.9', '>')", True),
    ("'1.10' is version('1.9', 'gt')", True),
    ("'2.0' is version('2.0.0', '<')", True),
    ("'2.0' is version('2.0', '==')", True),
    ("'2.0' is version('2.0', 'eq')", True),
    ("'2.4.1' is version('2.4', '>=')", True),
    ("'2.4.1' is version('2.4', 'ge')", True),
    ("'1.9' is version('1.10', 'lt')", True),
    ("'1.9' is version('1.10', '<=')", True),
    ("'1.9' is version('1.9', 'ne')", False),
    ("'1.0a' is version('1.0.1', '<')", True),
    ("'1.2b1' is version('1.2', '<', strict=true)", True),
    ("'3.1' is version_compare('3.0', '>')", True),
    ("'yes' is truthy", True),
    ("'' is truthy", False),
    ("'no' is truthy(convert_bool=true)", False),
    ("0 is falsy", True),
    ("items is contains(2)", True),
    ("items is contains(9)", False),
    ("[1, 2] is subset(items)", True),
    ("[1, 9] is subset(items)", False),
    ("items is superset([3])", True),
    ("'/' is directory", True),
    ("'/' is file", False),
    ("'/' is exists", True),
    ("'/nonexistent/corral' is exists", False),
    ("text is string", True),
    ("x is number", True),
    ("conf is mapping", True),
    ("items is iterable", True),
    ("items is sequence", True),
    ("x is string", False),
    ("[true, 1] is all", True),
    ("[0, ''] is any", False),
]


@pytest.mark.parametrize(("expr", "expected"), CASES, ids=[c[0] for c in CASES])
def test_jinja_test(templar: Callable[..., Templar], expr: str, expected: bool) -> None:
    assert templar(RESULTS).condition(expr) is expected


def test_file_test_on_controller_paths(templar: Callable[..., Templar], tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("x")
    t = templar({"f": str(target), "d": str(tmp_path)})
    assert t.condition("f is file and d is directory and f is exists and d is not file")


ERRORS: list[tuple[str, str]] = [
    ("'1' is version('2', 'bigger')", "invalid operator 'bigger'"),
    ("'1.x' is version('2', '<', strict=true)", "invalid strict version '1.x'"),
    ("'1' is version('2', '<', version_type='pep440')", "unsupported version_type"),
    ("text is match('(')", "test 'match' failed"),
    ("text is regex('x', match_type='nope')", "match_type must be"),
    ("x is changed", "the 'changed' test expects a task result"),
    ("x is nosuchtest", "No test named 'nosuchtest'"),
]


@pytest.mark.parametrize(("expr", "message"), ERRORS, ids=[c[0] for c in ERRORS])
def test_jinja_test_error(templar: Callable[..., Templar], expr: str, message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        templar(RESULTS).condition(expr)
    assert message in str(caught.value)
