"""Expand a ``--limit`` argument: pattern terms, and ``@FILE`` terms read from a file."""

from __future__ import annotations

from pathlib import Path

from corral.errors import InventoryError, Position, Problem
from corral.input_bounds import InputBoundError, cut_middle, path_problem, read_input_text
from corral.inventory.patterns import split_pattern


def expand_limit(pattern: str) -> list[str]:
    """The terms of a limit; an ``@FILE`` term becomes the file's lines (blank ones dropped)."""
    terms: list[str] = []
    for term in split_pattern(pattern):
        if term.startswith("@"):
            terms.extend(_read_limit_file(Path(term[1:])))
        else:
            terms.append(term)
    return terms


def _read_limit_file(path: Path) -> list[str]:
    unusable = path_problem(str(path), "limit file")
    if unusable is not None:
        raise InventoryError(Problem(unusable, Position(cut_middle(str(path)))))
    if not path.is_file():
        raise InventoryError(
            Problem(
                "limit file not found (--limit @FILE needs a file of host names)",
                Position(str(path)),
            )
        )
    try:
        lines = read_input_text(path).splitlines()
    except OSError as exc:
        raise InventoryError(
            Problem(f"cannot read limit file: {exc}", Position(str(path)))
        ) from exc
    except InputBoundError as exc:
        raise InventoryError(exc.problem(str(path))) from None
    return [line.strip() for line in lines if line.strip()]
