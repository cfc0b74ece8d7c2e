"""Read a YAML (or JSON) file of variables: `-e @file`, `vars_files`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from corral.errors import InputError, Problem
from corral.vault.active import decode_file_text
from corral.vault.yaml_tag import VaultSafeLoader


def read_vars_file(path: Path, what: str) -> dict[str, Any]:
    """The mapping in ``path``; ``what`` names the use in messages (``-e @x.yml``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(Problem(f"{what}: cannot read {path}: {exc.strerror}")) from exc
    try:
        data = yaml.load(decode_file_text(text, str(path)), Loader=VaultSafeLoader)
    except yaml.YAMLError as exc:
        raise InputError(Problem(f"{what}: {path} is not valid YAML: {exc}")) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(Problem(f"{what}: {path} must hold a mapping of variables"))
    return data
