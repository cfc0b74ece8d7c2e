"""``validate_argument_spec``: check a role's arguments against meta/argument_specs.yml.

ansible-core runs this first in a role that declares specs for its entry point
(``Validating arguments against arg spec 'main'``); users may also write the
task themselves. The values checked are the role params given, then variables
of the same names. Types are checked as ansible-core converts them; messages
follow its wording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from corral.templating.truth import to_bool

_BOOL_WORDS = {"yes", "no", "true", "false", "on", "off", "1", "0", "y", "n", "t", "f"}


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and value.strip().lstrip("+-").isdigit()


def _is_float(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool) or str(value).strip().lower() in _BOOL_WORDS or value in (0, 1)


_CHECKS: dict[str, Callable[[Any], bool]] = {
    "str": lambda v: not isinstance(v, dict | list),
    "path": lambda v: not isinstance(v, dict | list),
    "int": _is_int,
    "float": _is_float,
    "bool": _is_bool,
    "list": lambda v: isinstance(v, list | str | int | float),
    "dict": lambda v: isinstance(v, dict) or (isinstance(v, str) and "=" in v),
    "raw": lambda v: True,
}


def validate_arguments(spec: Mapping[str, Any], provided: Mapping[str, Any],
                       variables: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Every problem with the arguments, in ansible-core's words, and the values checked."""
    values = dict(provided)
    for name in spec:
        if name not in values and name in variables:
            values[name] = variables[name]
    errors: list[str] = []
    missing = [n for n, o in spec.items() if isinstance(o, Mapping) and o.get("required")
               and values.get(n) is None]
    if missing:
        errors.append(f"missing required arguments: {', '.join(sorted(missing))}")
    for name, option in spec.items():
        if name in values and values[name] is not None and isinstance(option, Mapping):
            errors += _check(name, option, values[name])
    return errors, values


def _check(name: str, option: Mapping[str, Any], value: Any) -> list[str]:
    kind = str(option.get("type", "str"))
    check = _CHECKS.get(kind)
    if check is not None and not check(value):
        return [f"argument '{name}' is of type {type(value).__name__} and we were unable to "
                f"convert to {kind}"]
    choices = option.get("choices")
    if choices:
        given = value if isinstance(value, list) else [value]
        wanted = {str(to_bool(c)) if kind == "bool" else str(c) for c in choices}
        for item in given:
            text = str(to_bool(item)) if kind == "bool" else str(item)
            if text not in wanted:
                listed = ", ".join(str(c) for c in choices)
                return [f"value of {name} must be one of: {listed}, got: {item}"]
    elements = option.get("elements")
    if kind == "list" and elements and isinstance(value, list):
        element_check = _CHECKS.get(str(elements))
        bad = [v for v in value if element_check is not None and not element_check(v)]
        if bad:
            return [f"Elements value for option '{name}' is of type {type(bad[0]).__name__} "
                    f"and we were unable to convert to {elements}"]
    return []
