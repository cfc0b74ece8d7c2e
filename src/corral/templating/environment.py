"""The Jinja2 environment, configured like Ansible's, with a per-environment compile cache.

* ``StrictUndefined``: using an undefined variable fails with "'x' is undefined".
* ``trim_blocks``, ``keep_trailing_newline``, no autoescaping; printing an
  undefined value fails where it is printed (so the error knows the line).
* Output nodes yield native values (no ``str()``), so a string that is exactly one
  ``{{ expr }}`` renders to the value itself: a list, a dict, an int, a bool.
* Ansible's filters and tests, every filter and test guarded (see ``guard.py``);
  ``omit`` is a global.
* Sandboxed, with host data tainting what is computed from it and every
  template bounded in size and work (see ``sandbox.py`` and ``limits.py``).
* ``compile_template`` caches compiled templates by text in an LRU owned by this
  object; ``compile_count`` counts real compilations.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jinja2 import Template, TemplateSyntaxError, Undefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nativetypes import NativeCodeGenerator

from .filters import ansible_filters
from .guard import guard_all
from .limits import Limits
from .omit import OMIT
from .sandbox import TaintingSandbox, concat_output, route_loops
from .size_checks import bounded_filters
from .tests import ansible_tests
from .undefined import PlainStrictUndefined

DEFAULT_CACHE_SIZE = 4096


@dataclass(frozen=True)
class CompiledTemplate:
    """A compiled template and whether it is one bare ``{{ expr }}`` (native result)."""

    template: Template
    single_expression: bool


class _NativeOutputGenerator(NativeCodeGenerator):
    """Never fold ``{{ 1 }}`` into the text "1": every expression yields its value."""

    def _output_child_to_const(
        self, node: nodes.Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo
    ) -> Any:
        if isinstance(node, nodes.TemplateData):
            return node.as_const(frame.eval_ctx)
        raise nodes.Impossible()

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        """``a ~ b`` through the environment, so host data keeps its mark."""
        self.write("environment.concat_text((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def visit_Getitem(self, node: nodes.Getitem, frame: Frame) -> None:
        """``x[1:]`` through ``environment.getitem`` too (Jinja slices inline)."""
        if not isinstance(node.arg, nodes.Slice):
            super().visit_Getitem(node, frame)
            return
        self.write("environment.getitem(")
        self.visit(node.node, frame)
        self.write(", slice(")
        for part in (node.arg.start, node.arg.stop, node.arg.step):
            if part is None:
                self.write("None")
            else:
                self.visit(part, frame)
            self.write(", ")
        self.write("))")


class CorralEnvironment(TaintingSandbox):
    """Ansible-compatible Jinja2 environment; one per run, shared by every host."""

    code_generator_class = _NativeOutputGenerator
    concat = staticmethod(concat_output)

    def __init__(self, cache_size: int = DEFAULT_CACHE_SIZE, limits: Limits | None = None) -> None:
        super().__init__(
            limits=limits or Limits(),
            undefined=PlainStrictUndefined,
            trim_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,
            extensions=["jinja2.ext.loopcontrols", "jinja2.ext.do"],
            finalize=_fail_if_undefined,
        )
        self.filters.update(ansible_filters())
        self.filters["d"] = self.filters["default"]
        self.filters.update(bounded_filters(self.limits, self.filters))
        self.filters.update(guard_all("filter", self.filters, self.limits))
        self.tests.update(ansible_tests())
        self.tests.update(guard_all("test", self.tests, self.limits))
        self.globals["omit"] = OMIT  # the executor may also push it as a variable
        from corral.lookups import lookup_globals  # here: corral.lookups imports templating

        self.globals.update(lookup_globals())
        self.compile_count = 0
        self._compile_cached: Callable[[str], CompiledTemplate] = functools.lru_cache(
            maxsize=cache_size
        )(self._compile_text)

    def compile_template(self, text: str) -> CompiledTemplate:
        """The compiled form of ``text``, from the cache when seen before.

        Raises Jinja's ``TemplateSyntaxError`` (an unknown filter is one too).
        """
        return self._compile_cached(text)

    def _compile_text(self, text: str) -> CompiledTemplate:
        self.compile_count += 1
        try:
            tree = self.parse(text)
            route_loops(tree, self)
            return CompiledTemplate(self.from_string(tree), _is_single_expression(tree))
        except (RecursionError, MemoryError, SyntaxError) as exc:
            # Jinja's parser and Python's compiler both recurse per nesting level
            raise TemplateSyntaxError(
                "the template is nested too deeply (too many parentheses, brackets or blocks)", 1
            ) from exc
        except ValueError as exc:  # the lexer's int(): a literal past Python's digit limit
            raise TemplateSyntaxError(f"a number in the template is too long: {exc}", 1) from exc


def _fail_if_undefined(value: Any) -> Any:
    """Fail on ``{{ missing }}`` inside the template's own frame, so errors know the line."""
    if isinstance(value, Undefined):
        str(value)  # StrictUndefined raises UndefinedError naming the variable
    return value


def _is_single_expression(tree: nodes.Template) -> bool:
    if len(tree.body) != 1 or not isinstance(tree.body[0], nodes.Output):
        return False
    children = tree.body[0].nodes
    return len(children) == 1 and not isinstance(children[0], nodes.TemplateData)
