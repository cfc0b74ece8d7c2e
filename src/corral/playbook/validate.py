"""Check a task's module arguments against the module's declarations.

Unknown arguments (with a did-you-mean), arguments given twice under two
names, missing required ones, values outside ``choices``, literal values of
the wrong type, and YAML 1.1's ``mode: 644`` trap. Values containing
``{{`` are only known at run time and are not type-checked here.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from corral.errors import Position
from corral.playbook.arg_types import type_mismatch
from corral.playbook.context import ParseContext
from corral.playbook.lookup import ArgsInfo
from corral.playbook.module_args import ModuleArgs
from corral.playbook.values import describe, is_template

_PLAIN_DECIMAL = re.compile(r"[+]?[1-9][0-9_]*")
# A free-form command satisfies a required argument of one of these names.
_FREE_FORM_ARGS = frozenset({"cmd", "free_form", "_raw_params"})


def check_mode_trap(ctx: ParseContext, margs: ModuleArgs) -> None:
    """``mode: 644`` is the decimal 644 in YAML (0o1204): almost never what was meant."""
    text = margs.int_texts.get("mode")
    if text is None or not _PLAIN_DECIMAL.fullmatch(text):
        return
    ctx.add(f"mode {text} is read by YAML as the decimal number {margs.args['mode']}; "
            f"write it quoted as '0{text}'", margs.positions.get("mode"))


def check_module_args(ctx: ParseContext, info: ArgsInfo, margs: ModuleArgs,
                      where: Position | None) -> None:
    """Every problem with ``margs`` for module ``info``, recorded in ``ctx``."""
    if getattr(info, "any_args", False):
        return  # set_fact: every name is a variable to set
    canonical = _alias_map(info)
    given: dict[str, str] = {}
    for key, value in margs.args.items():
        if key.startswith("_"):
            continue
        at = margs.positions.get(key, where)
        name = canonical.get(key)
        if name is None:
            ctx.add(_unknown_message(info, key, canonical), at)
        elif name in given:
            ctx.add(f"'{given[name]}' and '{key}' are the same argument of "
                    f"{info.name}; give only one", at)
        else:
            given[name] = key
            _check_value(ctx, info, name, key, value, at)
    if not margs.broken and not ctx.defaulted & {info.name, "*"}:
        _check_required(ctx, info, given, margs, where)


def _alias_map(info: ArgsInfo) -> dict[str, str]:
    names: dict[str, str] = {}
    for name, spec in info.args_spec.items():
        names[name] = name
        for alias in spec.aliases:
            names.setdefault(alias, name)
    return names


def _unknown_message(info: ArgsInfo, key: str, canonical: dict[str, str]) -> str:
    close = difflib.get_close_matches(key, list(canonical), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    takes = ", ".join(sorted(info.args_spec)) or "no arguments"
    return f"unknown argument '{key}' for module '{info.name}'{hint} ({info.name} takes: {takes})"


def _check_value(ctx: ParseContext, info: ArgsInfo, name: str, key: str,
                 value: Any, at: Position | None) -> None:
    spec = info.args_spec[name]
    wanted = type_mismatch(spec.type, value)
    if wanted is not None:
        ctx.add(f"argument '{key}' of {info.name} must be {wanted}; got {describe(value)}", at)
        return
    choices = spec.choices
    if choices is None or value is None or is_template(value):
        return
    if value not in choices and str(value) not in {str(c) for c in choices}:
        listed = ", ".join(repr(c) for c in choices)
        ctx.add(f"argument '{key}' of {info.name} must be one of {listed}; got {value!r}", at)


def _check_required(ctx: ParseContext, info: ArgsInfo, given: dict[str, str],
                    margs: ModuleArgs, where: Position | None) -> None:
    free_form = "_raw_params" in margs.args
    for name, spec in info.args_spec.items():
        if not spec.required or name in given:
            continue
        if free_form and name in _FREE_FORM_ARGS:
            continue
        ctx.add(f"module '{info.name}' is missing required argument '{name}'", where)
