"""Compile, before any host is touched, every template a run will certainly evaluate.

A broken ``{{ x | }}`` in a task's arguments would otherwise be found only when
that task runs, after earlier tasks changed hosts. This pass compiles the
templates of the statically known tasks (play tasks, handlers, imported
files): module arguments (``debug``'s ``var`` and ``assert``'s ``that`` as
expressions), ``loop``, ``loop_control.label``, ``notify``, ``environment``,
``become_user``, ``delegate_to``, ``retries``, ``delay``, templated
``ignore_errors``/``no_log``, and each ``template`` task's static ``src`` file
(templates live on the controller), naming file and line.

What ansible-core evaluates only if reached stays a run-time check: a task
under ``when`` (its own or a block's) or in ``rescue`` (its ``loop`` is still
compiled: the loop is evaluated before ``when``), variables (rendered lazily,
when used), task names (corral never renders them), and a templated ``src``.
``when``, ``changed_when``, ``failed_when`` and ``until`` are checked where they
are read (``conditions.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from corral.errors import Position, Problem
from corral.playbook.context import ConditionSyntax
from corral.playbook.model import Block, Play, Task, TaskNode
from corral.playbook.values import is_template
from corral.prepare.context import PrepareContext, find_local

# (template text) -> (message, line in the template), or None when it compiles
TemplateSyntax = Callable[[str], "tuple[str, int] | None"]

_SNIPPET = 60
_KEYWORDS = ("environment", "become_user", "delegate_to", "retries", "delay")
_CONDITION_KEYWORDS = ("ignore_errors", "no_log")


class TemplateCheck:
    """Collects the problems of one playbook's templates."""

    def __init__(self, syntax: TemplateSyntax, condition_syntax: ConditionSyntax | None) -> None:
        self._syntax = syntax
        self._condition_syntax = condition_syntax
        self.problems: list[Problem] = []

    def plays(self, plays: list[Play]) -> list[Problem]:
        for play in plays:
            self.play(play)
        return self.problems

    def play(self, play: Play) -> None:
        where = play.position
        for keyword in ("environment", "become_user", "remote_user"):
            self._value(getattr(play, keyword), f"play '{keyword}'",
                        play.keyword_positions.get(keyword, where))
        for nodes in (play.pre_tasks, play.tasks, play.post_tasks, play.handlers):
            self._nodes(nodes, play, guarded=False)

    def _nodes(self, nodes: list[Task] | list[TaskNode], play: Play, guarded: bool) -> None:
        for node in nodes:
            if isinstance(node, Block):
                self._block(node, play, guarded)
            else:
                self._task(node, play, guarded)

    def _block(self, block: Block, play: Play, guarded: bool) -> None:
        guarded = guarded or bool(block.when)
        if not guarded:
            for keyword in ("environment", "become_user"):
                self._value(getattr(block, keyword), f"block '{keyword}'",
                            block.keyword_positions.get(keyword, block.position))
        self._nodes(block.block, play, guarded)
        self._nodes(block.rescue, play, guarded=True)
        self._nodes(block.always, play, guarded)

    def _task(self, task: Task, play: Play, guarded: bool) -> None:
        keyword_at = task.keyword_positions
        self._value(task.loop, "'loop'", keyword_at.get("loop", task.position))
        if guarded or task.when:
            return
        self._arguments(task)
        self._value(task.loop_control.label, "'loop_control.label'",
                    keyword_at.get("loop_control", task.position))
        self._value(task.notify, "'notify'", keyword_at.get("notify", task.position))
        for keyword in _KEYWORDS:
            self._value(getattr(task, keyword), f"'{keyword}'",
                        keyword_at.get(keyword, task.position))
        for keyword in _CONDITION_KEYWORDS:
            value = getattr(task, keyword)
            if isinstance(value, str):
                self._condition(value, f"'{keyword}'", keyword_at.get(keyword, task.position))
        if task.module == "template":
            self._template_file(task, play)

    def _arguments(self, task: Task) -> None:
        for key, value in task.args.items():
            at = task.arg_positions.get(key, task.position)
            what = f"argument '{key}' of {task.module}"
            if (task.module, key) == ("debug", "var") and isinstance(value, str):
                self._condition(value, what, at)
            elif (task.module, key) == ("assert", "that"):
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str):
                        self._condition(item, what, at)
            else:
                self._value(value, what, at)

    def _value(self, value: Any, what: str, at: Position) -> None:
        for text in _templates_in(value):
            found = self._syntax(text)
            if found is not None:
                message, line = found
                inside = f" (line {line} of the template)" if "\n" in text.strip() else ""
                self.problems.append(Problem(
                    f"{what}: invalid template {_snippet(text)}: {message}{inside}", at))

    def _condition(self, text: str, what: str, at: Position) -> None:
        if is_template(text):
            self._value(text, what, at)
            return
        error = self._condition_syntax(text) if self._condition_syntax else None
        if error:
            self.problems.append(Problem(f"{what}: invalid expression {_snippet(text)}: {error}",
                                         at))

    def _template_file(self, task: Task, play: Play) -> None:
        src = task.args.get("src")
        if not isinstance(src, str) or not src or is_template(src):
            return  # a templated name is known only at run time
        dirs = PrepareContext(playbook_dir=play.playbook_dir).search_dirs("templates")
        path = find_local(src, dirs)
        if path is None or not path.is_file():
            return  # reported, with where it looked, when the task runs
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return  # likewise
        found = self._syntax(text)
        if found is not None:
            message, line = found
            self.problems.append(Problem(f"template syntax error: {message} (template of the "
                                         f"task at {task.position})", Position(str(path), line)))


def template_problems(plays: list[Play], syntax: TemplateSyntax,
                      condition_syntax: ConditionSyntax | None = None) -> list[Problem]:
    """Every template problem of ``plays``, in the order found."""
    return TemplateCheck(syntax, condition_syntax).plays(plays)


def _templates_in(value: Any) -> Iterator[str]:
    """Every template string in ``value``: keys and values of dicts, items of lists."""
    if is_template(value):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _templates_in(key)
            yield from _templates_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _templates_in(item)


def _snippet(text: str) -> str:
    return repr(text if len(text) <= _SNIPPET else text[: _SNIPPET - 3] + "...")
