"""What a lookup may use: the task's variables, the Jinja environment, where files are.

Lookups run on the controller. A lookup is built per call from the Jinja context
(``lookup()``/``query()`` in a template) or from a ``Templar`` (``with_<lookup>``),
so nothing is global: the variables say which play, role and host it is for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Undefined

from corral.errors import TemplateError
from corral.templating.environment import CorralEnvironment


class LookupFailed(TemplateError):
    """A lookup could not give its result (a missing file, a bad term, a failed command)."""


@dataclass(frozen=True)
class LookupContext:
    """The variables in scope (rendered lazily) and the environment that renders them."""

    variables: Mapping[str, Any]
    env: CorralEnvironment
    search_path: tuple[Path, ...] = ()  # given by the caller (a role's folders): wins

    def var(self, name: str, default: Any = None) -> Any:
        """A variable's rendered value, or ``default`` when it is not defined."""
        try:
            value = self.variables[name]
        except KeyError:
            return default
        return default if isinstance(value, Undefined) else value

    def search_paths(self) -> list[Path]:
        """Folders a relative file name is looked up in, best first.

        ``search_path`` when the caller gives one, else
        ``ansible_search_path`` when set (a role or an included file may set it),
        else the role's folder (``role_path``) and then the playbook's folder.
        Each folder ``d`` is tried as ``d/<subdir>/name`` and then ``d/name``.
        """
        if self.search_path:
            return list(self.search_path)
        explicit = self.var("ansible_search_path")
        if isinstance(explicit, list | tuple) and explicit:
            return [Path(str(p)) for p in explicit]
        paths = [self.var("role_path"), self.var("playbook_dir")]
        found = [Path(str(p)) for p in paths if p]
        return found or [Path.cwd()]


def find_file(ctx: LookupContext, name: str, subdir: str) -> Path | None:
    """``name`` as is when absolute, else the first of ``<dir>/<subdir>/name``, ``<dir>/name``."""
    path = Path(name).expanduser()
    if path.is_absolute():
        return path if path.exists() else None
    for folder in ctx.search_paths():
        for candidate in (folder / subdir / path, folder / path):
            if candidate.exists():
                return candidate
    return None


def require_file(ctx: LookupContext, lookup: str, name: str, subdir: str) -> Path:
    path = find_file(ctx, name, subdir)
    if path is None or not path.is_file():
        where = ", ".join(str(p / subdir) + "/, " + str(p) + "/" for p in ctx.search_paths())
        raise LookupFailed(f"lookup '{lookup}': could not find file {name!r} (searched {where})")
    return path
