"""What the loader carries while reading one playbook: lookups and the problems found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from corral.errors import Position, Problem
from corral.playbook.lookup import ModuleLookup

if TYPE_CHECKING:
    from corral.playbook.model import RoleRef, Task

ConditionSyntax = Callable[[str], "str | None"]


@dataclass
class PlayRoles:
    """What the roles of one play add to it while it is read: handlers, and which ran."""

    handlers: list[Task] = field(default_factory=list)
    refs: list[RoleRef] = field(default_factory=list)  # public roles, for their vars
    seen: set[str] = field(default_factory=set)  # roles (path, params, entry) already in


@dataclass
class ParseContext:
    """Passed down every parsing function; collects problems instead of raising.

    ``conditional``: the tasks being read are reached only under a ``when`` (or
    an include), so a module problem in them is deferred to the host where the
    task runs, and only warned about up front.
    """

    modules: ModuleLookup
    condition_syntax: ConditionSyntax | None = None
    problems: list[Problem] = field(default_factory=list)
    # Modules that get module_defaults where the loader now is ("*": maybe any).
    defaulted: set[str] = field(default_factory=set)
    warnings: list[Problem] = field(default_factory=list)
    roles_path: tuple[Path, ...] = ()
    conditional: bool = False
    play_roles: PlayRoles | None = None

    def add(self, message: str, position: Position | None) -> None:
        """Record one problem; parsing carries on to find the others."""
        self.problems.append(Problem(message, position))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    def child(self) -> ParseContext:
        """A context with the same settings and its own, empty problem list."""
        return ParseContext(self.modules, self.condition_syntax, roles_path=self.roles_path,
                            conditional=self.conditional, play_roles=self.play_roles,
                            defaulted=set(self.defaulted))
