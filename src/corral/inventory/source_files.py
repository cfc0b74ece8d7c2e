"""Turn ``-i`` arguments into inventory files to read and vars folders to search.

A source is a file, a folder (every file in it, recursively, sorted; hidden
files, backups, ``host_vars``/``group_vars`` and ignored extensions skipped) or
a comma-separated host list (``-i web1,web2,``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corral.errors import Position, Problem
from corral.input_bounds import cut_middle, path_problem

# Ansible's INVENTORY_IGNORE_EXTS default: REJECT_EXTS + ('.orig', '.cfg', '.retry')
IGNORED_SUFFIXES = (
    ".pyc",
    ".pyo",
    ".swp",
    ".bak",
    "~",
    ".rpm",
    ".md",
    ".txt",
    ".rst",
    ".orig",
    ".cfg",
    ".retry",
)
IGNORED_NAMES = ("host_vars", "group_vars", "vars_plugins")


@dataclass
class ExpandedSources:
    files: list[Path] = field(default_factory=list)
    host_lists: list[list[str]] = field(default_factory=list)
    vars_dirs: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def expand_sources(sources: Sequence[str | Path]) -> ExpandedSources:
    expanded = ExpandedSources()
    for source in sources:
        _expand_one(source, expanded)
    return expanded


def _expand_one(source: str | Path, expanded: ExpandedSources) -> None:
    path = Path(source)
    unusable = path_problem(str(source), "inventory source")
    if isinstance(source, str) and "," in source and (unusable or not path.exists()):
        expanded.host_lists.append([h.strip() for h in source.split(",") if h.strip()])
    elif unusable is not None:
        expanded.problems.append(Problem(unusable, Position(cut_middle(str(source)))))
    elif path.is_dir():
        expanded.files.extend(_folder_files(path))
        _add_vars_dir(expanded.vars_dirs, path)
    elif path.is_file():
        expanded.files.append(path)
        _add_vars_dir(expanded.vars_dirs, path.parent)
    else:
        expanded.problems.append(
            Problem(
                "inventory source not found (give a file, a folder or 'host1,host2,')",
                Position(str(path)),
            )
        )


def _add_vars_dir(dirs: list[Path], folder: Path) -> None:
    if all(not _same(folder, d) for d in dirs):
        dirs.append(folder)


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def is_ignored(name: str) -> bool:
    return name.startswith(".") or name in IGNORED_NAMES or name.endswith(IGNORED_SUFFIXES)


def _folder_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if is_ignored(entry.name):
            continue
        if entry.is_dir():
            found.extend(_folder_files(entry))
        elif entry.is_file():
            found.append(entry)
    return found
