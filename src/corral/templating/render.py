"""The rendering API the executor uses: ``Templar`` and static syntax checks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jinja2 import TemplateSyntaxError

from corral.errors import TemplateError

from .environment import CorralEnvironment
from .error_text import syntax_message, template_error
from .lazy_vars import TemplatedVars
from .render_core import file_body, is_template, render_file, render_string, render_to_text, walk
from .truth import to_bool
from .unsafe import UnsafeText

_SINGLE_EXPRESSION = re.compile(r"^\s*\{\{(?P<expr>(?:(?!\{\{|\}\}).)*)\}\}\s*$", re.DOTALL)
_BOOL_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "1", "0", ""})


def _condition_template(expr: str) -> str:
    return "{% if " + expr + " %}True{% else %}False{% endif %}"


class Templar:
    """Renders values for one host and task against its (lazily templated) variables."""

    def __init__(self, env: CorralEnvironment, variables: Mapping[str, Any]) -> None:
        self.env = env
        if isinstance(variables, TemplatedVars) and variables.renders_with(env):
            self.variables = variables
        else:
            self.variables = TemplatedVars(variables, env)

    def is_template(self, value: Any) -> bool:
        """True for a str with ``{{`` or ``{%`` that is not host data."""
        return is_template(value)

    def render(self, value: Any, field: str | None = None) -> Any:
        """Render every template string inside ``value`` (dicts and lists recursively).

        A string that is one ``{{ expr }}`` becomes the expression's native value;
        host data (``UnsafeText``) is returned untouched. ``field`` names the value
        in error messages (``"args of task 'x'"``).
        """
        return walk(value, self._render_one, field or "")

    def _render_one(self, text: str, path: str) -> Any:
        try:
            return render_string(self.env, text, self.variables.scope)
        except Exception as exc:
            raise template_error(exc, text, path or None, names=self.variables) from exc

    def render_text(self, text: str, name: str = "<template>",
                    options: Mapping[str, Any] | None = None) -> str:
        """Render a whole template file (the template module): always a str.

        ``options`` are the template module's Jinja settings (trim_blocks,
        block_start_string, …): an overlay of the run's environment, same sandbox.
        """
        env = self.env
        if options:
            env = env.overlay(**options)
            env._compile_cached = env._compile_text  # not the parent's compile cache
        try:
            return render_file(env, text, self.variables.scope,
                               newline=str((options or {}).get("newline_sequence", "\n")))
        except Exception as exc:
            template = _compiled_or_none(env, file_body(text))
            raise template_error(exc, text, file=name, template=template,
                                 names=self.variables) from exc

    def condition(self, expr: str | bool | list[Any]) -> bool:
        """Evaluate ``when``/``failed_when``/``changed_when``/``until``.

        A bare expression (``x is defined and x > 3``); a list means all must
        hold; a bool is itself. ``"{{ x }}"`` is accepted: it is rendered, then a
        str result is read as an expression (as Ansible does), unless it is host data.
        """
        if isinstance(expr, bool):
            return expr
        if isinstance(expr, list):
            return all(self.condition(e) for e in expr)
        if not isinstance(expr, str):
            raise TemplateError(f"a condition must be a string, a bool or a list, not {expr!r}")
        if isinstance(expr, UnsafeText):
            return self._word(expr, expr)
        if is_template(expr):
            return self._templated_condition(expr)
        return self._bare_condition(expr)

    def _templated_condition(self, expr: str) -> bool:
        value = self.render(expr, "condition")
        if not isinstance(value, str):
            return bool(value)
        if isinstance(value, UnsafeText) or value.strip().lower() in _BOOL_WORDS:
            return self._word(value, expr)
        return self._bare_condition(value)

    def _word(self, value: str, expr: str) -> bool:
        if value.strip().lower() not in _BOOL_WORDS:
            raise TemplateError(
                f"condition {expr!r} gave {value!r}, which is neither true nor false"
            )
        return to_bool(value)

    def _bare_condition(self, expr: str) -> bool:
        if not expr.strip():
            return False
        text = _condition_template(expr)
        try:
            result = render_to_text(self.env, text, self.variables.scope)
        except Exception as exc:
            raise template_error(exc, expr, "condition", names=self.variables) from exc
        return result == "True"


def check_syntax(text: str, env: CorralEnvironment | None = None) -> str | None:
    """None when ``text`` compiles; else the syntax error and its line in the template.

    Unknown filters and tests are syntax errors too.
    """
    try:
        (env or CorralEnvironment(cache_size=16)).compile_template(text)
    except TemplateSyntaxError as exc:
        return syntax_message(exc)
    return None


def template_syntax_error(text: str, env: CorralEnvironment | None = None
                          ) -> tuple[str, int] | None:
    """None when ``text`` compiles; else the reason and the line inside ``text``."""
    try:
        (env or CorralEnvironment(cache_size=16)).compile_template(text)
    except TemplateSyntaxError as exc:
        return exc.message or "syntax error", exc.lineno
    return None


def check_condition_syntax(expr: str, env: CorralEnvironment | None = None) -> str | None:
    """None when ``expr`` is a valid ``when:`` expression; else the reason."""
    if is_template(expr):
        single = _SINGLE_EXPRESSION.match(expr)
        if single is None:
            return check_syntax(expr, env)
        expr = single.group("expr")
    if not expr.strip():
        return "the condition is empty"
    # an output node, not {% if %}: Jinja defers unknown filters in an `if` to run time
    return check_syntax("{{ " + expr + " }}", env)


def _compiled_or_none(env: CorralEnvironment, text: str) -> Any:
    try:
        return env.compile_template(text).template
    except TemplateSyntaxError:
        return None
