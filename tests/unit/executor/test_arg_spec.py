"""Role argument specs: ansible-core's checks and messages, one row per case."""

from __future__ import annotations

import pytest

from corral.executor.arg_spec import validate_arguments

SPEC = {
    "port": {"type": "int", "required": True},
    "mode": {"type": "str", "choices": ["a", "b"]},
    "names": {"type": "list", "elements": "int"},
    "flag": {"type": "bool"},
    "conf": {"type": "dict"},
}


@pytest.mark.parametrize(("provided", "variables", "errors"), [
    ({"port": "8080"}, {}, []),
    ({}, {"port": 80, "mode": "b"}, []),  # variables of the same names count too
    ({}, {}, ["missing required arguments: port"]),
    ({"port": "http"}, {}, ["argument 'port' is of type str and we were unable to convert to int"]),
    ({"port": 1, "mode": "c"}, {}, ["value of mode must be one of: a, b, got: c"]),
    ({"port": 1, "names": [1, "x"]}, {},
     ["Elements value for option 'names' is of type str and we were unable to convert to int"]),
    ({"port": 1, "flag": "maybe"}, {},
     ["argument 'flag' is of type str and we were unable to convert to bool"]),
    ({"port": 1, "flag": "yes", "conf": {"a": 1}}, {}, []),
    ({"port": 1, "conf": [1]}, {}, ["argument 'conf' is of type list and we were unable to convert to dict"]),
])
def test_validate_arguments(provided: dict, variables: dict, errors: list[str]) -> None:
    assert validate_arguments(SPEC, provided, variables)[0] == errors
