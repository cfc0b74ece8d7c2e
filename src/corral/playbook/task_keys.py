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
# Collection modules corral implements with the same semantics, by their short name.
COLLECTION_MODULES: dict[str, str] = {
    "ansible.posix.authorized_key": "authorized_key",
    "ansible.posix.mount": "mount",
    "ansible.posix.sysctl": "sysctl",
    "community.general.apk": "apk",
    "community.general.ini_file": "ini_file",
    "community.general.locale_gen": "locale_gen",
    "community.general.pacman": "pacman",
    "community.general.timezone": "timezone",
    "community.general.zypper": "zypper",
}
_COLLECTIONS = ("ansible.posix.", "community.general.")
# Unsupported keys that stand where a module would: no "needs a module" on top.
_ACTIONS = frozenset({"include", "import_playbook"})


def short_name(name: str) -> str:
    """``ansible.builtin.file`` -> ``file`` (also ansible.legacy., corral. and the table)."""
    if name in COLLECTION_MODULES:
        return COLLECTION_MODULES[name]
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def find_module(ctx: ParseContext, data: PosDict, allowed: Collection[str],
                handler: bool, module_ctx: ParseContext | None = None) -> tuple[str | None, str | None]:
    """The key naming the task's module, or None (a problem is then recorded).

    The second value is a key taken for an unknown module (its problem goes to
    ``module_ctx``: the caller may defer it to run time).
    """
    mctx = module_ctx or ctx
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
    guessed: str | None = None
    for key in unknown:
        if _report_unknown(ctx, mctx, data, key, allowed, bool(found)):
            guessed_module = True
            guessed = guessed or key
    if len(found) > 1:
        names = " and ".join(short_name(k) for k in found)
        ctx.add(f"a task has one module; found {names}", data.key_position(found[1]))
    if not found and not guessed_module:
        ctx.add("a task needs a module (such as command, copy or file); found none",
                data.position)
    return (found[0] if found else None), guessed


def _reject_keyword(ctx: ParseContext, data: PosDict, key: str, handler: bool) -> bool:
    short = short_name(key)
    if short in UNSUPPORTED_TASK_KEYWORDS:
        ctx.add(f"'{key}' {UNSUPPORTED_TASK_KEYWORDS[short]}", data.key_position(key))
        return True
    if short.startswith("with_"):
        ctx.add(f"'{key}': corral has no lookup '{short[5:]}' (loops: loop, with_items, with_list, "
                "with_dict and with_<lookup> for the lookups in the README)", data.key_position(key))
        return True
    if key == "listen" and not handler:
        ctx.add("'listen' only applies to handlers", data.key_position(key))
        return True
    if key in ("rescue", "always"):
        ctx.add(f"'{key}' needs a 'block' in the same task", data.key_position(key))
        return True
    return False


def _report_unknown(ctx: ParseContext, mctx: ParseContext, data: PosDict, key: str,
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
    mctx.add(_unknown_module_message(key, suggestions), where)
    return True


def _unknown_module_message(key: str, suggestions: list[str]) -> str:
    too_long = name_problem(short_name(key), "module name")
    if too_long is not None:
        return too_long
    if suggestions:
        return f"unknown module '{key}'; did you mean '{suggestions[0]}'?"
    if key.startswith(_COLLECTIONS) or key.count(".") >= 2:
        implemented = ", ".join(sorted(COLLECTION_MODULES))
        return (f"unsupported module '{key}': corral does not implement this collection module "
                f"(of collections it runs {implemented})")
    if "." in key:
        return (f"unknown module '{key}'; corral runs its own modules, by their short "
                "or ansible.builtin. names, and modules in a modules/ folder next to the playbook")
    return (f"unknown module '{key}' (`corral modules` lists them; your own go in a "
            "modules/ folder next to the playbook)")
