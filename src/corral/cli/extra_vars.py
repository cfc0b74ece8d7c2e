"""Parse `-e` values: `k=v k2=v2`, `@file.yml`, or inline JSON/YAML."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import yaml

from corral.errors import InputError, Problem
from corral.vars_file import read_vars_file


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
    if text.startswith("{"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InputError(Problem(f"-e {value!r}: not valid JSON or YAML: {exc}")) from exc
        if not isinstance(data, dict):
            raise InputError(Problem(f"-e {value!r}: must be a mapping"))
        return data
    result: dict[str, Any] = {}
    for word in shlex.split(text):
        if "=" not in word:
            raise InputError(Problem(
                f"-e {value!r}: {word!r} is not key=value; use -e key=value, -e @file.yml "
                "or -e '{\"key\": \"value\"}'"))
        key, _, raw = word.partition("=")
        result[key] = raw  # Ansible keeps k=v values as strings
    return result


def _from_file(path: Path) -> dict[str, Any]:
    return read_vars_file(path, f"-e @{path}")
