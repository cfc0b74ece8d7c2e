"""What each loop keyword makes of a rendered value (ansible-core's observed behaviour)."""

import pytest

from corral.executor.task_runner import loop_info
from corral.playbook.loops import loop_items, loop_type_error


@pytest.mark.parametrize(("kind", "value", "items"), [
    ("loop", [1, [2]], [1, [2]]),
    ("loop", "", None),
    ("loop", None, None),
    ("loop", "abc", None),
    ("loop", {"a": 1}, None),
    ("items", "", [""]),
    ("items", None, [None]),
    ("items", "abc", ["abc"]),
    ("items", {"a": 1}, [{"a": 1}]),
    ("items", [[1, 2], [3, [4]]], [1, 2, 3, [4]]),
    ("items", [], []),
    ("list", "", [""]),
    ("list", [[1], 2], [[1], 2]),
    ("dict", {"a": 1}, [{"key": "a", "value": 1}]),
    ("dict", "", None),
])
def test_loop_items(kind, value, items) -> None:
    assert loop_items(kind, value) == items


def test_loop_type_error_names_the_type_as_ansible_does() -> None:
    assert loop_type_error("loop", None) == "The `loop` value must resolve to a 'list', not 'NoneType'"
    assert "dict2items" in loop_type_error("loop", {"a": 1})


def test_loop_info_as_extended_loop_control() -> None:
    assert loop_info(["x", "y"], 0, True) == {
        "index": 1, "index0": 0, "first": True, "last": False, "length": 2, "revindex": 2,
        "revindex0": 1, "allitems": ["x", "y"], "nextitem": "y"}
    assert loop_info(["x", "y"], 1, False) == {
        "index": 2, "index0": 1, "first": False, "last": True, "length": 2, "revindex": 1,
        "revindex0": 0, "previtem": "x"}
