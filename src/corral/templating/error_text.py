"""Translate what Jinja raises into ``TemplateError`` with a message a user can act on."""

from __future__ import annotations

import re
from collections.abc import Iterable
from types import TracebackType

from jinja2 import Template, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import TemplateError as JinjaTemplateError

from corral.did_you_mean import closest, hint
from corral.errors import Position, Problem, TemplateError

_SNIPPET = 80
_UNDEFINED = re.compile(r"^'([^']+)' is undefined\b")


def template_error(
    exc: BaseException,
    text: str,
    where: str | None = None,
    file: str | None = None,
    template: Template | None = None,
    names: Iterable[str] = (),
) -> TemplateError:
    """A ``TemplateError`` for ``exc`` raised while rendering ``text``.

    ``where`` names the field (``dest``, ``variable 'url'``); ``file`` a template
    file, whose line is then found from ``template``'s traceback frames; ``names``
    the variables in scope, for a did-you-mean when a variable is undefined.
    """
    if isinstance(exc, TemplateError):
        return _with_context(exc, where)
    line = _line_of(exc, template)
    position = Position(file, line) if file else None
    undefined = undefined_name(exc)
    message = describe(exc)
    if undefined is not None:  # the hint right after "'x' is undefined"
        cut = len(f"'{undefined}' is undefined")
        suggestion = hint(closest(undefined, (n for n in names if n != undefined)))
        message = message[:cut] + suggestion + message[cut:]
    multiline = "\n" in text.rstrip("\n")
    if line is not None and not file and (multiline or isinstance(exc, TemplateSyntaxError)):
        message += f" (line {line})"
    if where or not file:
        message += _context(text, where)
    return TemplateError(Problem(message, position), field=where, undefined=undefined)


def undefined_name(exc: BaseException) -> str | None:
    """``x`` for Jinja's ``'x' is undefined`` (and corral's ``'x' is undefined (in
    variable 'y')``); None for anything else."""
    if not isinstance(exc, UndefinedError):
        return None
    found = _UNDEFINED.match(exc.message or "")
    return found.group(1) if found else None


def describe(exc: BaseException) -> str:
    """The one-line reason, without location."""
    if isinstance(exc, UndefinedError):
        return exc.message or "undefined variable"
    if isinstance(exc, TemplateSyntaxError):
        return f"template syntax error: {exc.message}"
    if isinstance(exc, RecursionError):
        return ("recursion too deep: a macro calling itself, or variables referring to "
                "each other in a loop (through hostvars?)")
    if isinstance(exc, JinjaTemplateError):
        return exc.message or type(exc).__name__
    return f"{type(exc).__name__}: {exc}"


def syntax_message(exc: TemplateSyntaxError) -> str:
    """``check_syntax``'s answer: the reason and the line inside the template."""
    return f"{exc.message} (line {exc.lineno} of the template)"


def _context(text: str, where: str | None) -> str:
    snippet = text if len(text) <= _SNIPPET else text[: _SNIPPET - 3] + "..."
    if where:
        return f" (in {where}: {snippet!r})"
    return f" (in {snippet!r})"


def _with_context(exc: TemplateError, where: str | None) -> TemplateError:
    if not where:
        return exc
    return TemplateError([Problem(f"{p.message} (in {where})", p.position) for p in exc.problems],
                         field=where, undefined=exc.undefined)


def _line_of(exc: BaseException, template: Template | None) -> int | None:
    if isinstance(exc, TemplateSyntaxError):
        return exc.lineno
    if template is None:
        return None
    owner: Template = template
    line = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__jinja_template__") is owner:
            line = template.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return line
