"""A play's ``vars_files`` (an item that is a list: the first file found) and ``vars_prompt``."""

from __future__ import annotations

from typing import Any

from corral.playbook.context import ParseContext
from corral.playbook.values import describe
from corral.playbook.yaml_loader import PosDict, PosList

_PROMPT_KEYS = frozenset({"name", "prompt", "default", "private", "confirm", "unsafe"})
_PROMPT_REFUSED = frozenset({"encrypt", "salt", "salt_size"})  # hashing the answer


def read_vars_files_list(ctx: ParseContext, data: PosDict) -> list[str | list[str]]:
    """Each entry a file name, or a list of names of which the first found is read."""
    value = data.get("vars_files")
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out: list[str | list[str]] = []
    for index, item in enumerate(items):
        where = value.item_position(index) if isinstance(value, PosList) else data.key_position(
            "vars_files")
        if isinstance(item, str) and item.strip():
            out.append(item)
        elif isinstance(item, list) and item and all(isinstance(i, str) for i in item):
            out.append([str(i) for i in item])
        else:
            ctx.add(f"a vars_files entry must be a file name or a list of them (the first "
                    f"found is read); got {describe(item)}", where)
    return out


def read_vars_prompt(ctx: ParseContext, data: PosDict) -> list[dict[str, Any]]:
    """The prompts, each a mapping with at least ``name``."""
    value = data.get("vars_prompt")
    if value is None:
        return []
    if not isinstance(value, list):
        ctx.add(f"'vars_prompt' must be a list of prompts; got {describe(value)}",
                data.key_position("vars_prompt"))
        return []
    prompts: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        where = value.item_position(index) if isinstance(value, PosList) else None
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            ctx.add(f"a vars_prompt entry needs 'name'; got {describe(item)}", where)
            continue
        for key in item:
            if str(key) in _PROMPT_REFUSED:
                ctx.add(f"vars_prompt '{key}' (hashing the answer) is not supported by corral; "
                        "hash it with the password_hash filter where it is used", where)
            elif str(key) not in _PROMPT_KEYS:
                ctx.add(f"unknown vars_prompt key '{key}' (allowed: "
                        f"{', '.join(sorted(_PROMPT_KEYS))})", where)
        prompts.append(dict(item))
    return prompts
