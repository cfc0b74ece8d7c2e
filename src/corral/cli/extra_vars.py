"""Parse `-e` values: `k=v k2=v2`, `@file.yml`, or inline JSON/YAML."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from corral.errors import InputError, Position, Problem
from corral.input_bounds import MAX_ARGUMENT_CHARS, cut_middle
from corral.vars_file import read_vars_file
from corral.yaml_bounds import load_bounded_yaml


def parse_extra_vars(values: list[str]) -> dict[str, Any]:
    """Merge every `-e` in order; later ones win, as in Ansible."""
    merged: dict[str, Any] = {}
    for value in values:
        merged.update(_parse_one(value))
    return merged


def _parse_one(value: str) -> dict[str, Any]:
    text = value.strip()
    if text.startswith("@"):
        return _from_file(Path(text[1:]))
    where = Position(f"-e {_shown(value)}")  # the command line is the "file"
    if len(text) > MAX_ARGUMENT_CHARS:
        raise InputError(Problem(f"the value is {len(text):,} characters long; past "
                                 f"{MAX_ARGUMENT_CHARS:,} put the variables in a file and "
                                 "give -e @FILE", where))
    if text.startswith("{"):
        data, problem = load_bounded_yaml(text, where.file)
        if problem is not None:
            raise InputError(Problem(f"not valid JSON or YAML: {problem.message}",
                                     problem.position))
        if not isinstance(data, dict):
            raise InputError(Problem("must be a mapping", where))
        return data
    try:
        words = shlex.split(text)
    except ValueError as exc:  # an unbalanced quote
        raise InputError(Problem(f"{exc}; quote each value once, as in "
                                 "-e \"key='two words'\"", where)) from exc
    result: dict[str, Any] = {}
    for word in words:
        if "=" not in word:
            raise InputError(Problem(
                f"{_shown(word)} is not key=value; use -e key=value, -e @file.yml "
                "or -e '{\"key\": \"value\"}'", where))
        key, _, raw = word.partition("=")
        result[key] = raw  # Ansible keeps k=v values as strings
    return result


def _shown(value: str, limit: int = 80) -> str:
    """``value`` quoted for a message, cut in the middle when long."""
    if len(value) > limit:
        value = f"{value[: limit // 2]}...{value[-limit // 4:]}"
    return repr(value)


def _from_file(path: Path) -> dict[str, Any]:
    return read_vars_file(path, f"-e @{cut_middle(str(path))}")
