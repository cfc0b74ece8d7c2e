"""Sort a task's keys into keywords and its one module, reporting every stray key.

A key that is neither a keyword nor a known module is a typo of one or the
other: a close keyword match wins when no module is close ("whn" -> when),
otherwise it is reported as an unknown module with suggestions.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection

from corral.input_bounds import name_problem
from corral.playbook.context import ParseContext
from corral.playbook.keywords import UNSUPPORTED_TASK_KEYWORDS
from corral.playbook.yaml_loader import PosDict

_PREFIXES = ("ansible.builtin.", "ansible.legacy.", "corral.")
# Unsupported keys that stand where a module would: no "needs a module" on top.
_ACTIONS = frozenset({"include_role", "import_role", "include_vars", "include",
                      "import_playbook", "local_action", "action"})


def short_name(name: str) -> str:
    """``ansible.builtin.file`` -> ``file`` (also ansible.legacy. and corral.)."""
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def find_module(ctx: ParseContext, data: PosDict, allowed: Collection[str],
                handler: bool) -> str | None:
    """The key naming the task's module, or None (a problem is then recorded)."""
    found: list[str] = []
    guessed_module = False
    unknown: list[str] = []
    for key in map(str, data):
        if key in allowed:
            continue
        if _reject_keyword(ctx, data, key, handler):
            guessed_module |= short_name(key) in _ACTIONS
            continue
        if ctx.modules.lookup(short_name(key)) is not None:
            found.append(key)
        else:
            unknown.append(key)
    for key in unknown:
        guessed_module |= _report_unknown(ctx, data, key, allowed, bool(found))
    if len(found) > 1:
        names = " and ".join(short_name(k) for k in found)
        ctx.add(f"a task has one module; found {names}", data.key_position(found[1]))
    if not found and not guessed_module:
        ctx.add("a task needs a module (such as command, copy or file); found none",
                data.position)
    return found[0] if found else None


def _reject_keyword(ctx: ParseContext, data: PosDict, key: str, handler: bool) -> bool:
    short = short_name(key)
    if short in UNSUPPORTED_TASK_KEYWORDS:
        ctx.add(f"'{key}' {UNSUPPORTED_TASK_KEYWORDS[short]}", data.key_position(key))
        return True
    if key == "listen" and not handler:
        ctx.add("'listen' only applies to handlers", data.key_position(key))
        return True
    if key in ("rescue", "always"):
        ctx.add(f"'{key}' needs a 'block' in the same task", data.key_position(key))
        return True
    return False


def _report_unknown(ctx: ParseContext, data: PosDict, key: str,
                    allowed: Collection[str], has_module: bool) -> bool:
    """Report ``key``; True when it was taken to be a misspelt module."""
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.75)
    suggestions = ctx.modules.suggest(short_name(key))
    where = data.key_position(key)
    if close and (has_module or not suggestions):
        ctx.add(f"unknown task keyword '{key}'; did you mean '{close[0]}'?", where)
        return False
    if has_module and not suggestions:
        ctx.add(f"unknown task keyword '{key}' (supported: {', '.join(sorted(allowed))})", where)
        return False
    ctx.add(_unknown_module_message(key, suggestions), where)
    return True


def _unknown_module_message(key: str, suggestions: list[str]) -> str:
    too_long = name_problem(short_name(key), "module name")
    if too_long is not None:
        return too_long
    if suggestions:
        return f"unknown module '{key}'; did you mean '{suggestions[0]}'?"
    if "." in key:
        return (f"unknown module '{key}'; corral runs its own modules, by their short "
                "or ansible.builtin. names, and modules in a modules/ folder next to the playbook")
    return (f"unknown module '{key}' (`corral modules` lists them; your own go in a "
            "modules/ folder next to the playbook)")
