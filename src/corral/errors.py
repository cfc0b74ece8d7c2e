"""corral's exceptions, all in one place.

    CorralError                      base of everything corral raises on purpose
    ├── InputError                   bad user input, found before any host is touched (exit 4)
    │   ├── InventoryError           inventory files, host patterns, host/group vars
    │   ├── PlaybookError            playbook YAML, keywords, module names and arguments
    │   ├── TemplateError            Jinja2 syntax or rendering (undefined variable, cycle)
    │   └── VaultError               vault data that cannot be opened (password, damage)
    ├── UsageError                   bad command line (exit 5)
    ├── HostError                    something went wrong on one host; never stops the others
    │   ├── HostUnreachable          could not connect or the connection died (exit 3)
    │   ├── BecomeError              sudo failed: wrong password, needs a tty, missing
    │   └── ProtocolError            the agent sent something that is not a valid frame
    └── ModuleFailed                 a module ran and reported failure (a task failure, exit 1)

An ``InputError`` carries every ``Problem`` found, each with its file, line and
column, so a user sees all mistakes of a file at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Position:
    """Where something came from in a user's file (1-based line and column)."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


MAX_MESSAGE = 1000
"""Longest problem message kept: one that quotes a huge input is cut in the middle."""


@dataclass(frozen=True)
class Problem:
    """One mistake in user input, with what to do about it."""

    message: str
    position: Position | None = None

    def __post_init__(self) -> None:
        if len(self.message) > MAX_MESSAGE:
            half = MAX_MESSAGE // 2 - 10
            cut = f"{self.message[:half]} [...] {self.message[-half:]}"
            object.__setattr__(self, "message", cut)

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.position}: {self.message}"


class CorralError(Exception):
    """Base of every error corral raises on purpose."""


class InputError(CorralError):
    """Invalid user input; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InventoryError(InputError):
    """An inventory, host pattern or host/group vars file is invalid."""


class PlaybookError(InputError):
    """A playbook (YAML, keyword, module name or argument) is invalid."""


class TemplateError(InputError):
    """A Jinja2 template failed to parse or render.

    ``field`` names the value being rendered (``msg``, ``condition``) and ``undefined``
    the undefined variable, when known: enough for the executor to point at the
    expression's file, line and column.
    """

    def __init__(self, problems: list[Problem] | Problem | str, *, field: str | None = None,
                 undefined: str | None = None) -> None:
        super().__init__(problems)
        self.field = field
        self.undefined = undefined


class VaultError(InputError):
    """Vault data could not be decrypted: no or wrong password, or damaged data."""


class UsageError(CorralError):
    """The command line is wrong."""


class UnreachableCause(str, Enum):
    """Why a host could not be reached, in words a user recognises."""

    REFUSED = "connection refused"
    TIMEOUT = "connection timed out"
    DNS = "host name could not be resolved"
    AUTH = "authentication failed"
    HOST_KEY = "host key verification failed"
    NO_PYTHON = "no Python interpreter found"
    DISCONNECTED = "connection lost"
    OTHER = "unreachable"


class HostError(CorralError):
    """Something failed on one host; reported for that host only."""


class HostUnreachable(HostError):
    """A host could not be connected to, or its connection died mid-run."""

    def __init__(self, host: str, cause: UnreachableCause, detail: str = "") -> None:
        self.host = host
        self.cause = cause
        self.detail = detail
        text = f"{host}: {cause.value}"
        if detail:
            text += f" ({detail})"
        super().__init__(text)


class BecomeError(HostError):
    """Privilege escalation failed (wrong password, sudo wants a tty, no sudo)."""


class ProtocolError(HostError):
    """The remote agent broke the wire protocol."""


class ModuleFailed(CorralError):
    """A module reported failure; the task fails on that host."""
