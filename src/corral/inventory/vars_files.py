"""host_vars/ and group_vars/ folders: find and load the files for one name.

For a name ``web`` Ansible looks, in this order, for ``web`` (a file, or a folder
whose files are all read in sorted order, recursively), ``web.yml``, ``web.yaml``
and ``web.json``, and uses the first that exists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corral.errors import Position, Problem
from corral.input_bounds import (
    MAX_NESTING,
    InputBoundError,
    name_problem,
    nesting_exceeds,
    read_input_text,
)
from corral.inventory.yaml_positions import YamlDocument, load_yaml
from corral.vault.active import decode_file_text

VARS_EXTENSIONS = (".yml", ".yaml", ".json")


@dataclass(frozen=True)
class VarsFile:
    path: Path
    values: dict[str, Any]
    lines: dict[str, int]


@dataclass
class VarsFileResult:
    files: list[VarsFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def find_vars_files(folder: Path, name: str) -> tuple[list[Path], list[str]]:
    """The files to read for ``name`` in ``folder`` (a host_vars or group_vars folder),
    and a warning when more than one candidate exists (only the first is used)."""
    if name_problem(name, "name") is not None:
        return [], []  # no file can be named after it: it has no vars files
    candidates = [folder / name] + [folder / f"{name}{ext}" for ext in VARS_EXTENSIONS]
    existing = [c for c in candidates if c.exists()]
    if not existing:
        return [], []
    warnings = []
    if len(existing) > 1:
        ignored = ", ".join(str(p) for p in existing[1:])
        warnings.append(
            f"{existing[0]} is used for '{name}'; ignoring {ignored} (merge them into one)"
        )
    first = existing[0]
    return (_folder_files(first) if first.is_dir() else [first]), warnings


def _folder_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or entry.name.endswith("~"):
            continue
        if entry.is_dir() and not entry.suffix:
            found.extend(_folder_files(entry))
        elif entry.is_file() and (not entry.suffix or entry.suffix in VARS_EXTENSIONS):
            found.append(entry)
    return found


def load_vars_files(folder: Path, name: str) -> VarsFileResult:
    """Load every vars file for ``name`` in ``folder``."""
    paths, warnings = find_vars_files(folder, name)
    result = VarsFileResult(warnings=warnings)
    for path in paths:
        loaded = load_vars_file(path)
        if isinstance(loaded, Problem):
            result.problems.append(loaded)
        elif loaded is not None:
            result.files.append(loaded)
    return result


def load_vars_file(path: Path) -> VarsFile | Problem | None:
    """One vars file: a mapping of variable names (``None`` when the file is empty)."""
    try:
        text = read_input_text(path)
    except OSError as exc:
        return Problem(f"cannot read vars file: {exc}", Position(str(path)))
    except InputBoundError as exc:
        return exc.problem(str(path))
    doc = load_yaml(decode_file_text(text, str(path)), str(path))
    if isinstance(doc, Problem):
        return _json_fallback(path, text) or doc
    if doc.data is None:
        return None
    if not isinstance(doc.data, dict):
        return Problem(
            f"a vars file must be a mapping of variable: value, not a {type(doc.data).__name__}",
            Position(str(path), 1, 1),
        )
    return _vars_file(path, doc)


def _vars_file(path: Path, doc: YamlDocument) -> VarsFile:
    values = {str(k): v for k, v in doc.data.items()}
    return VarsFile(path, values, doc.key_lines(doc.data))


def _json_fallback(path: Path, text: str) -> VarsFile | None:
    """JSON that is not valid YAML (rare: tabs, for instance) still loads, without lines."""
    if path.suffix != ".json":
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or nesting_exceeds(data, MAX_NESTING):
        return None
    return VarsFile(path, {str(k): v for k, v in data.items()}, {})
