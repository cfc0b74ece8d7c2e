"""with_option_groups: a group's fields become the command's options, in place, and the
command receives the built dataclass."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Annotated

import typer
from typer.testing import CliRunner

from corral.cli.option_groups import option_group, with_option_groups


@option_group
@dataclass(frozen=True)
class Conn:
    user: Annotated[str | None, typer.Option("--user", "-u")] = None
    forks: Annotated[int, typer.Option("--forks")] = 5


def test_the_group_is_spread_in_place_and_built_on_call() -> None:
    seen = []

    @with_option_groups
    def command(name: str, conn: Conn, *, extra: bool = False) -> None:
        seen.append((name, conn, extra))

    assert list(inspect.signature(command).parameters) == ["name", "user", "forks", "extra"]
    command("x", user="bob", forks=2, extra=True)
    assert seen == [("x", Conn(user="bob", forks=2), True)]


def test_typer_sees_the_options() -> None:
    app = typer.Typer()
    got = []

    @app.command()
    @with_option_groups
    def go(name: Annotated[str, typer.Argument()], conn: Conn) -> None:
        got.append((name, conn))

    result = CliRunner().invoke(app, ["web", "-u", "alice", "--forks", "9"])
    assert result.exit_code == 0, result.output
    assert got == [("web", Conn(user="alice", forks=9))]
