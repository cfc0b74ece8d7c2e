"""What the playbook loader needs to know about modules, as a Protocol.

The real registry lives in ``corral.modules``; the loader only asks it for a
module's declared arguments and for close matches of a misspelt name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class ArgLike(Protocol):
    """One declared module argument (``corral.modules._api.Arg`` fits)."""

    @property
    def required(self) -> bool: ...

    @property
    def aliases(self) -> Sequence[str]: ...

    @property
    def choices(self) -> Sequence[Any] | None: ...

    @property
    def type(self) -> Any: ...


class ArgsInfo(Protocol):
    """A module's name and argument declarations."""

    @property
    def name(self) -> str: ...

    @property
    def args_spec(self) -> Mapping[str, ArgLike]: ...

    @property
    def free_form(self) -> bool:
        """True when a bare string is the command itself (command, shell, raw, script)."""
        ...


class ModuleLookup(Protocol):
    """Finds modules by short name (``file``, not ``ansible.builtin.file``)."""

    def lookup(self, name: str) -> ArgsInfo | None: ...

    def suggest(self, name: str) -> list[str]:
        """Known module names close to ``name``, best first (may be empty)."""
        ...
