"""Read a YAML (or JSON) file of variables: `-e @file`, `vars_files`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corral.errors import InputError, Position, Problem
from corral.input_bounds import InputBoundError, cut_middle, path_problem, read_input_text
from corral.vault.active import decode_file_text
from corral.yaml_bounds import load_bounded_yaml


def read_vars_file(path: Path, what: str) -> dict[str, Any]:
    """The mapping in ``path``; ``what`` names the use in messages (``-e @x.yml``)."""
    unusable = path_problem(str(path), "the file")
    if unusable is not None:
        raise InputError(Problem(f"{what}: {unusable}", Position(cut_middle(str(path)))))
    try:
        text = read_input_text(path)
    except OSError as exc:
        raise InputError(Problem(f"{what}: cannot read {path}: {exc.strerror or exc}",
                                 Position(str(path)))) from exc
    except InputBoundError as exc:
        raise InputError(_for(what, exc.problem(str(path)))) from None
    data, problem = load_bounded_yaml(decode_file_text(text, str(path)), str(path))
    if problem is not None:
        raise InputError(_for(what, problem))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(Problem(f"{what}: {path} must hold a mapping of variables",
                                 Position(str(path), 1, 1)))
    return data


def _for(what: str, problem: Problem) -> Problem:
    """``problem``, its message prefixed with the use of the file."""
    return Problem(f"{what}: {problem.message}", problem.position)
