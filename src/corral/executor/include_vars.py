"""``include_vars``: variables from a file or a folder of files, read on the controller.

Relative names are looked for as ansible-core does: the role's ``vars/`` and
folder, the including file's ``vars/`` and folder, then the playbook's.
The variables sit above task vars and below set_fact for the rest of the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corral.errors import CorralError
from corral.playbook.model import Task
from corral.vars_file import read_vars_file

_DEFAULT_EXTENSIONS = ("yaml", "yml", "json")


@dataclass(frozen=True)
class IncludedVars:
    """What one include_vars read: the variables and the files, in order."""

    values: dict[str, Any]
    files: list[str]


def search_dirs(task: Task, playbook_dir: Path) -> list[Path]:
    """Folders a relative include_vars name is looked for in, most specific first."""
    dirs: list[Path] = []
    if task.role is not None:
        dirs += [task.role.path / "vars", task.role.path]
    here = Path(str(task.position.file)).parent
    dirs += [here / "vars", here, playbook_dir / "vars", playbook_dir]
    return list(dict.fromkeys(dirs))


def _dir_roots(task: Task, name: str) -> list[Path]:
    """Where a relative ``dir`` is: the role's vars/ (or role folder for vars/...), else
    the folder of the file holding the task (ansible-core looks nowhere else)."""
    if task.role is not None:
        return [task.role.path if name.split("/")[0] == "vars" else task.role.path / "vars"]
    return [Path(str(task.position.file)).parent.resolve()]


def _find(name: str, dirs: list[Path], want_dir: bool) -> Path:
    path = Path(name).expanduser()
    candidates = [path] if path.is_absolute() else [d / path for d in dirs]
    for candidate in candidates:
        if (candidate.is_dir() if want_dir else candidate.is_file()):
            return candidate
    kind = "folder" if want_dir else "file"
    looked = ", ".join(str(d) for d in dirs) if not path.is_absolute() else name
    raise CorralError(f"include_vars: {kind} '{name}' not found (looked in {looked})")


def include_vars(task: Task, args: dict[str, Any], playbook_dir: Path) -> IncludedVars:
    """Read what ``args`` (rendered) name; a non-mapping file is a failure naming it."""
    if str(args.get("hash_behaviour") or "replace") != "replace":
        raise CorralError("include_vars: hash_behaviour other than 'replace' is not supported "
                          "by corral (use the combine filter)")
    dirs = search_dirs(task, playbook_dir)
    if args.get("dir"):
        files = list(_dir_files(_find(str(args["dir"]), _dir_roots(task, str(args["dir"])), True),
                                args))
    elif args.get("file"):
        files = [_find(str(args["file"]), dirs, False)]
    else:
        raise CorralError("include_vars needs 'file' or 'dir'")
    values: dict[str, Any] = {}
    for path in files:
        values.update(read_vars_file(path, "include_vars"))
    name = args.get("name")
    if name:
        values = {str(name): values}
    return IncludedVars(values, [str(p) for p in files])


def _dir_files(folder: Path, args: dict[str, Any]) -> Iterator[Path]:
    extensions = tuple(str(e).lstrip(".") for e in (args.get("extensions")
                                                   or _DEFAULT_EXTENSIONS))
    matching = re.compile(str(args["files_matching"])) if args.get("files_matching") else None
    ignored = [str(i) for i in (args.get("ignore_files") or [])]
    depth = int(args.get("depth") or 0)
    for path in _walk(folder, depth):
        name = path.name
        if any(re.search(rf"{pattern}$", name) for pattern in ignored):
            continue
        if matching is not None and not matching.search(name):
            continue
        if "." not in name or name.rsplit(".", 1)[-1] not in extensions:
            if args.get("ignore_unknown_extensions"):
                continue
            raise CorralError(f"include_vars: {path} does not have a valid extension: "
                              f"{', '.join(extensions)} (or set ignore_unknown_extensions)")
        yield path


def _walk(folder: Path, depth: int, level: int = 1,
          seen: frozenset[Path] = frozenset()) -> Iterator[Path]:
    """Files of ``folder`` sorted, then its sub-folders' (down to ``depth``; 0: all).

    A folder already on the way down (a symlink loop) is not entered again.
    """
    seen = seen | {folder.resolve()}
    entries = sorted(folder.iterdir())
    yield from (p for p in entries if p.is_file())
    if depth and level >= depth:
        return
    for sub in (p for p in entries if p.is_dir() and p.resolve() not in seen):
        yield from _walk(sub, depth, level + 1, seen)
