"""``load_playbook``: read, model and validate a playbook, or fail once with every problem."""

from __future__ import annotations

from pathlib import Path

from corral.errors import PlaybookError, Problem
from corral.playbook.context import ConditionSyntax, ParseContext
from corral.playbook.lookup import ModuleLookup
from corral.playbook.model import Playbook
from corral.playbook.playbook_file import read_playbook_file
from corral.playbook.template_check import TemplateSyntax, template_problems


def load_playbook(path: Path, modules: ModuleLookup,
                  condition_syntax: ConditionSyntax | None = None,
                  template_syntax: TemplateSyntax | None = None,
                  roles_path: tuple[Path, ...] = ()) -> Playbook:
    """The playbook at ``path``, imports inlined.

    ``roles_path``: folders to find roles in (``--roles-path``, ``ANSIBLE_ROLES_PATH``,
    and the place for ansible.cfg's ``roles_path`` once it is read), after ``roles/``.

    ``condition_syntax(expr)`` returns a Jinja syntax error message for a bare
    expression, or None when it parses; ``template_syntax(text)`` the same for a
    template, with its line (see ``template_check.py``). Raises ``PlaybookError``
    carrying every problem of every file, in file and line order.
    """
    ctx = ParseContext(modules=modules, condition_syntax=condition_syntax,
                       roles_path=roles_path)
    plays = read_playbook_file(ctx, Path(path))
    if template_syntax is not None:
        ctx.extend(template_problems(plays, template_syntax, condition_syntax))
    if ctx.problems:
        raise PlaybookError(in_file_order(ctx.problems, first=str(path)))
    return Playbook(path=Path(path), plays=plays,
                    warnings=in_file_order(ctx.warnings, first=str(path)), roles_path=roles_path)


def in_file_order(problems: list[Problem], first: str = "") -> list[Problem]:
    """Problems grouped by file (``first``, then the others as seen), then line and column."""
    files: dict[str, int] = {first: 0}
    for problem in problems:
        files.setdefault(problem.position.file if problem.position else "", len(files))

    def key(problem: Problem) -> tuple[int, int, int]:
        where = problem.position
        if where is None:
            return (files[""], 0, 0)
        return (files[where.file], where.line or 0, where.column or 0)

    return sorted(problems, key=key)
