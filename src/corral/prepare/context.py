"""What a controller-side step gets (where to look, how to render) and gives back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# (template text, template path, Jinja options of the template module) -> rendered text
Render = Callable[[str, str, Mapping[str, Any]], str]


@dataclass(frozen=True)
class PrepareContext:
    """Where a task's local files are: its role (if any), then its playbook."""

    playbook_dir: Path
    role_dir: Path | None = None
    render: Render | None = None
    host: str = ""  # the inventory name of the host the task runs for (fetch's dest/HOST/)

    def search_dirs(self, kind: str) -> list[Path]:
        """Folders to look in for ``kind`` (files or templates), most specific first."""
        dirs: list[Path] = []
        if self.role_dir is not None:
            dirs += [self.role_dir / kind, self.role_dir]
        dirs += [self.playbook_dir / kind, self.playbook_dir]
        return dirs


@dataclass(frozen=True)
class Prepared:
    """The arguments to send, and a local file to stream if the module asks for it."""

    args: Mapping[str, Any]
    upload: Path | None = None


def find_local(name: str, dirs: list[Path]) -> Path | None:
    """``name`` itself if absolute, else the first of ``dirs / name`` that exists."""
    path = Path(name).expanduser()
    if path.is_absolute():
        return path if path.exists() else None
    for folder in dirs:
        candidate = folder / path
        if candidate.exists():
            return candidate
    return None


def looked_in(name: str, dirs: list[Path]) -> str:
    if Path(name).is_absolute():
        return name
    return ", ".join(str(d) for d in dirs)
