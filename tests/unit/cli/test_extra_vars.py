"""`-e` parsing: k=v pairs, @file, inline JSON/YAML; errors say what to write."""

import pytest

from corral.cli.extra_vars import parse_extra_vars
from corral.errors import InputError


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["a=1"], {"a": "1"}),
        (["a=1 b='two words'"], {"a": "1", "b": "two words"}),
        (['{"a": 1, "b": [1, 2]}'], {"a": 1, "b": [1, 2]}),
        (["a=1", "a=2"], {"a": "2"}),
        (["{a: yes}"], {"a": True}),
    ],
)
def test_parse(values, expected):
    assert parse_extra_vars(values) == expected


def test_from_file(tmp_path):
    path = tmp_path / "vars.yml"
    path.write_text("port: 8080\nname: web\n")
    assert parse_extra_vars([f"@{path}"]) == {"port": 8080, "name": "web"}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("novalue", "is not key=value"),
        ("@/nonexistent/vars.yml", "cannot read /nonexistent/vars.yml"),
        ("{a: [1,", "not valid JSON or YAML"),
    ],
)
def test_errors(value, message):
    with pytest.raises(InputError, match=message):
        parse_extra_vars([value])
