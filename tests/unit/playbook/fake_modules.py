"""A tiny module registry for the loader's tests (the real one lives in corral.modules)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, TemplateSyntaxError


@dataclass(frozen=True)
class FakeArg:
    type: Any = str
    required: bool = False
    aliases: Sequence[str] = ()
    choices: Sequence[Any] | None = None


@dataclass(frozen=True)
class FakeModule:
    name: str
    args_spec: Mapping[str, FakeArg] = field(default_factory=dict)
    free_form: bool = False


_COMMAND_ARGS = {"cmd": FakeArg(), "chdir": FakeArg("path"), "creates": FakeArg("path"),
                 "removes": FakeArg("path")}
MODULES = {
    m.name: m
    for m in (
        FakeModule("file", {
            "path": FakeArg("path", required=True, aliases=("dest", "name")),
            "state": FakeArg(choices=("file", "directory", "absent", "touch", "link")),
            "mode": FakeArg("mode"), "owner": FakeArg(), "group": FakeArg(),
            "recurse": FakeArg(bool),
        }),
        FakeModule("copy", {
            "dest": FakeArg("path", required=True), "src": FakeArg("path"),
            "content": FakeArg(), "mode": FakeArg("mode"), "owner": FakeArg(),
        }),
        FakeModule("template", {"src": FakeArg("path", required=True),
                                "dest": FakeArg("path", required=True), "mode": FakeArg("mode")}),
        FakeModule("command", _COMMAND_ARGS, free_form=True),
        FakeModule("shell", _COMMAND_ARGS, free_form=True),
        FakeModule("debug", {"msg": FakeArg("raw"), "var": FakeArg()}),
        FakeModule("service", {
            "name": FakeArg(required=True),
            "state": FakeArg(choices=("started", "stopped", "restarted", "reloaded")),
            "enabled": FakeArg(bool),
        }),
        FakeModule("package", {"name": FakeArg("str_or_list", required=True),
                               "state": FakeArg(choices=("present", "absent", "latest"))}),
        FakeModule("wait_for", {"port": FakeArg(int), "timeout": FakeArg(int)}),
        FakeModule("ping"),
    )
}


class FakeRegistry:
    def lookup(self, name: str) -> FakeModule | None:
        return MODULES.get(name)

    def suggest(self, name: str) -> list[str]:
        return difflib.get_close_matches(name, list(MODULES), n=3, cutoff=0.7)


def jinja_condition_syntax(expression: str) -> str | None:
    """What the templating package will pass: a syntax error message, or None."""
    try:
        Environment().parse("{{ " + expression + " }}")
    except TemplateSyntaxError as error:
        return error.message or "syntax error"
    return None
