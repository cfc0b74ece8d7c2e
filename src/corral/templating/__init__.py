"""Jinja2 templating the Ansible way: environment, filters, tests, variables, host data.

The executor's entry points::

    env = CorralEnvironment()                      # one per run
    stack = VariableStack([...]).push(Layer(...))  # precedence, see variables.py
    templar = Templar(env, stack)                  # per host and task
    args = strip_omitted(templar.render(task.args))
    if templar.condition(task.when): ...

Host data (facts, registered results) goes through ``mark_unsafe`` first.
"""

from .environment import CorralEnvironment
from .lazy_vars import HostVarsView, TemplatedVars
from .omit import OMIT, strip_omitted
from .render import Templar, check_condition_syntax, check_syntax, template_syntax_error
from .unsafe import UnsafeDict, UnsafeList, UnsafeText, is_unsafe, mark_unsafe
from .variables import Layer, VariableStack

__all__ = [
    "OMIT",
    "CorralEnvironment",
    "HostVarsView",
    "Layer",
    "Templar",
    "TemplatedVars",
    "UnsafeDict",
    "UnsafeList",
    "UnsafeText",
    "VariableStack",
    "check_condition_syntax",
    "check_syntax",
    "is_unsafe",
    "mark_unsafe",
    "strip_omitted",
    "template_syntax_error",
]
