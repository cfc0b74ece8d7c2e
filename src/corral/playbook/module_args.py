"""Gather a task's module arguments: inline (mapping or ``k=v`` text) over ``args:``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corral.errors import Position
from corral.playbook.context import ParseContext
from corral.playbook.free_form import parse_free_form
from corral.playbook.lookup import ArgsInfo
from corral.playbook.values import describe
from corral.playbook.yaml_loader import PosDict


@dataclass
class ModuleArgs:
    """Arguments as written, where each was written, and the text of integer values."""

    args: dict[str, Any] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    int_texts: dict[str, str] = field(default_factory=dict)
    # The inline arguments could not be read: "missing argument" would be noise.
    broken: bool = False

    def merge_mapping(self, data: dict[str, Any], fallback: Position | None) -> None:
        for key, value in data.items():
            key = str(key)
            self.args[key] = value
            where = data.key_position(key) if isinstance(data, PosDict) else fallback
            if where is not None:
                self.positions[key] = where
            self.int_texts.pop(key, None)
            if isinstance(data, PosDict) and key in data.int_texts:
                self.int_texts[key] = data.int_texts[key]


def argument_names(info: ArgsInfo) -> set[str]:
    """Every name a module's argument may be given by, aliases included."""
    names = set(info.args_spec)
    for spec in info.args_spec.values():
        names.update(spec.aliases)
    return names


def read_module_args(ctx: ParseContext, task: PosDict, key: str, info: ArgsInfo | None) -> ModuleArgs:
    """The arguments of the module written as ``key`` in ``task``."""
    result = ModuleArgs()
    where = task.key_position(key)
    extra = task.get("args")
    if isinstance(extra, dict):
        result.merge_mapping(extra, task.key_position("args"))
    elif extra is not None:
        ctx.add(f"'args' must be a mapping; got {describe(extra)}", task.key_position("args"))
    inline = task[key]
    if isinstance(inline, dict):
        result.merge_mapping(inline, where)
    elif isinstance(inline, str):
        _merge_text(ctx, result, inline, info, where)
    elif inline is not None:
        ctx.add(f"the arguments of '{key}' must be a mapping or key=value text; "
                f"got {describe(inline)}", where)
        result.broken = True
    return result


def _merge_text(ctx: ParseContext, result: ModuleArgs, text: str,
                info: ArgsInfo | None, where: Position | None) -> None:
    free_form = info is not None and info.free_form
    parsed = parse_free_form(text, argument_names(info) if free_form and info else None)
    if info is not None and getattr(info, "any_args", False):
        free_form = False
    if parsed.error:
        ctx.add(parsed.error, where)
        result.broken = True
    for name, value in parsed.args.items():
        result.args[name] = value
        if where is not None:
            result.positions[name] = where
    if free_form and parsed.raw_words:
        result.args["_raw_params"] = parsed.raw_text
    elif parsed.raw_words and info is not None:
        ctx.add(f"module '{info.name}' takes key=value arguments; "
                f"{parsed.raw_words[0]!r} is not one", where)
        result.broken = True
