"""``action:`` and ``local_action:``: another way to name a task's module.

``action: copy src=a dest=b`` and ``action: {module: copy, src: a, dest: b}``
are the task ``copy: ...``; ``local_action:`` is the same plus
``delegate_to: localhost``. The task is rewritten into the usual form before
it is read, keeping every position, so validation and errors work unchanged.
"""

from __future__ import annotations

from typing import Any

from corral.playbook.context import ParseContext
from corral.playbook.values import describe
from corral.playbook.yaml_loader import PosDict

ACTION_KEYS = ("action", "local_action")


def expand_action(ctx: ParseContext, data: PosDict) -> PosDict:
    """``data`` with its ``action``/``local_action`` turned into ``module: args``."""
    present = [key for key in ACTION_KEYS if key in data]
    if not present:
        return data
    key = present[0]
    where = data.key_position(key)
    if len(present) > 1:
        ctx.add("a task has one action; found action and local_action",
                data.key_position(present[1]))
    module, args = _split(data[key])
    if module is None:
        ctx.add(f"'{key}' needs a module name, as 'copy src=a dest=b' or "
                f"{{module: copy, src: a}}; got {describe(data[key])}", where)
        return _without(data, key)
    out = _without(data, key)
    out[module] = args
    if where is not None:
        out.key_positions[module] = where
    if key == "local_action":
        if "delegate_to" in data:
            ctx.add("local_action already runs on localhost; remove delegate_to",
                    data.key_position("delegate_to"))
        out["delegate_to"] = "localhost"
    return out


def _split(value: Any) -> tuple[str | None, Any]:
    """(module, its arguments) from the string or the mapping form."""
    if isinstance(value, str):
        module, _, rest = value.strip().partition(" ")
        text = rest.strip()
        return (module or None), (text or None)
    if isinstance(value, dict) and isinstance(value.get("module"), str):
        args = PosDict(position=getattr(value, "position", None))
        for name, item in value.items():
            if name == "module":
                continue
            args[name] = item
            if isinstance(value, PosDict):
                _copy_key(value, args, name)
        return str(value["module"]), args
    return None, None


def _without(data: PosDict, drop: str) -> PosDict:
    out = PosDict(position=data.position)
    for name, item in data.items():
        if name not in (drop, "action", "local_action"):
            out[name] = item
            _copy_key(data, out, name)
    return out


def _copy_key(source: PosDict, target: PosDict, name: Any) -> None:
    for attribute in ("key_positions", "value_positions", "int_texts"):
        table = getattr(source, attribute)
        if name in table:
            getattr(target, attribute)[name] = table[name]
