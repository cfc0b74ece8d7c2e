"""What the loader carries while reading one playbook: lookups and the problems found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from corral.errors import Position, Problem
from corral.playbook.lookup import ModuleLookup

ConditionSyntax = Callable[[str], "str | None"]


@dataclass
class ParseContext:
    """Passed down every parsing function; collects problems instead of raising."""

    modules: ModuleLookup
    condition_syntax: ConditionSyntax | None = None
    problems: list[Problem] = field(default_factory=list)
    # Modules that get module_defaults where the loader now is ("*": maybe any).
    defaulted: set[str] = field(default_factory=set)

    def add(self, message: str, position: Position | None) -> None:
        """Record one problem; parsing carries on to find the others."""
        self.problems.append(Problem(message, position))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)
