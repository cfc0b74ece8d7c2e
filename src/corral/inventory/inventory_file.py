"""Read one inventory file, choosing YAML or INI from its name and content.

``.yml``, ``.yaml`` and ``.json`` are YAML; ``.ini`` is INI; any other file is
YAML when it parses to a mapping (INI never does), INI otherwise (as Ansible, which
tries its YAML plugin before its INI plugin).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from corral.errors import Position, Problem
from corral.input_bounds import InputBoundError, read_input_text
from corral.inventory.builder import InventoryBuilder
from corral.inventory.ini_source import read_ini_inventory
from corral.inventory.script_json import read_script_shaped_json
from corral.inventory.script_source import read_script_inventory
from corral.inventory.yaml_positions import YamlDocument, load_yaml
from corral.inventory.yaml_source import read_yaml_inventory
from corral.vault.active import decode_file_text

YAML_SUFFIXES = (".yml", ".yaml", ".json")
_YAML_KEY_LINE = re.compile(r"^[\w.-]+:\s*(#.*)?$")


def read_inventory_file(path: Path, builder: InventoryBuilder) -> None:
    if is_script(path):
        read_script_inventory(path, builder)
        return
    text = _read_text(path, builder)
    if text is None:
        return
    if path.suffix == ".json" and read_script_shaped_json(text, path, builder):
        return
    if path.suffix in YAML_SUFFIXES:
        _read_yaml(load_yaml(text, str(path)), path, builder)
    elif path.suffix == ".ini":
        read_ini_inventory(text, path, builder)
    else:
        _read_guessing(text, path, builder)


def is_script(path: Path) -> bool:
    """An executable file starting with ``#!``: an inventory script, as in Ansible."""
    if not os.access(path, os.X_OK):
        return False
    try:
        with path.open("rb") as handle:
            return handle.read(2) == b"#!"
    except OSError:
        return False  # reported by the reader


def _read_text(path: Path, builder: InventoryBuilder) -> str | None:
    try:
        return decode_file_text(read_input_text(path), str(path))
    except OSError as exc:
        builder.problem(f"cannot read inventory file: {exc}", Position(str(path)))
    except InputBoundError as exc:
        builder.problems.append(exc.problem(str(path)))
    return None


def _read_yaml(doc: YamlDocument | Problem, path: Path, builder: InventoryBuilder) -> None:
    if isinstance(doc, Problem):
        builder.problems.append(doc)
    else:
        read_yaml_inventory(doc, path, builder)


def _read_guessing(text: str, path: Path, builder: InventoryBuilder) -> None:
    doc = load_yaml(text, str(path))
    if isinstance(doc, YamlDocument) and isinstance(doc.data, dict):
        read_yaml_inventory(doc, path, builder)
    elif isinstance(doc, Problem) and _first_line_is_yaml_key(text):
        builder.problems.append(doc)
    else:
        read_ini_inventory(text, path, builder)


def _first_line_is_yaml_key(text: str) -> bool:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", ";")):
            return stripped == "---" or _YAML_KEY_LINE.match(stripped) is not None
    return False
