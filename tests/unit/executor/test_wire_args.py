"""Module arguments converted to JSON values as ansible-core converts them, or refused."""

from __future__ import annotations

import datetime
import decimal
import json
from typing import Any

import jinja2.utils
import pytest
from markupsafe import Markup

from corral.errors import PlaybookError
from corral.executor.wire_args import wire_args
from corral.templating.unsafe import UnsafeText

UTC = datetime.timezone.utc

CONVERTED: list[tuple[str, Any, Any]] = [
    ("text", "x", "x"),
    ("number", 1.5, 1.5),
    ("null", None, None),
    ("date", datetime.date(2024, 1, 1), "2024-01-01"),
    ("datetime", datetime.datetime(2024, 1, 1, 10, 20, 30), "2024-01-01 10:20:30"),
    ("datetime with fraction", datetime.datetime(2024, 1, 1, 10, 20, 30, 500000),
     "2024-01-01 10:20:30.500000"),
    ("datetime with zone", datetime.datetime(2024, 1, 1, 10, 20, 30, tzinfo=UTC),
     "2024-01-01 10:20:30+00:00"),
    ("time", datetime.time(10, 20), "10:20:00"),
    ("set", {"a"}, ["a"]),
    ("frozenset", frozenset([1]), [1]),
    ("tuple", (1, (2, 3)), [1, [2, 3]]),
    ("bytes", b"hello", "hello"),
    ("bytes not utf-8", b"\xff\x00", "\udcff\x00"),
    ("bytearray", bytearray(b"hi"), "hi"),
    ("dict items", {"a": 1}.items(), [["a", 1]]),
    ("dict keys", {"a": 1}.keys(), ["a"]),
    ("generator", (str(i) for i in range(2)), ["0", "1"]),
    ("unsafe text", UnsafeText("u"), "u"),
    ("markup", Markup("<b>"), "<b>"),
    ("nested", {"when": [datetime.date(2024, 1, 1)], "tags": {"x"}},
     {"when": ["2024-01-01"], "tags": ["x"]}),
    ("keys", {1: "a", datetime.date(2024, 1, 1): "b", None: "c"},
     {1: "a", "2024-01-01": "b", None: "c"}),
]


@pytest.mark.parametrize("name,given,expected", CONVERTED, ids=[c[0] for c in CONVERTED])
def test_converted(name: str, given: Any, expected: Any) -> None:
    sent = wire_args({"value": given})
    assert sent == {"value": expected}
    assert type(sent["value"]) is type(expected)
    json.dumps(sent)  # and it is JSON


def test_bytes_that_are_not_utf8_come_back_unchanged() -> None:
    text = json.loads(json.dumps(wire_args({"v": b"\xff\xfe"})))["v"]
    assert text.encode("utf-8", "surrogateescape") == b"\xff\xfe"


REFUSED: list[tuple[str, Any, str]] = [
    ("range", range(3), "argument 'content': a value of type range cannot be sent to a host"),
    ("namespace", jinja2.utils.Namespace(a=1), "a value of type Namespace cannot be sent"),
    ("cycler", jinja2.utils.Cycler(1, 2), "a value of type Cycler cannot be sent"),
    ("object", object(), "a value of type object cannot be sent"),
    ("decimal", decimal.Decimal("1.5"), "a value of type Decimal cannot be sent"),
    ("deep in a list", {"a": [1, object()]}, "argument 'content.a[1]': a value of type object"),
    ("tuple key", {(1, 2): "x"}, "argument 'content': a mapping key of type tuple"),
]


@pytest.mark.parametrize("name,given,message", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused(name: str, given: Any, message: str) -> None:
    with pytest.raises(PlaybookError) as caught:
        wire_args({"content": given})
    assert message in str(caught.value)


def test_a_value_that_contains_itself_is_refused() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(PlaybookError, match="nested more than 100 levels deep"):
        wire_args({"v": loop})
