"""``serial``: batch sizes as host counts or percentages, one or a list."""

from __future__ import annotations

import re

from corral.playbook.context import ParseContext
from corral.playbook.values import describe, is_template
from corral.playbook.yaml_loader import PosDict

_PERCENT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*%\s*")
_WANTED = "a number of hosts, a percentage like '30%', or a list of them"


def _one_batch(value: object) -> int | str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if not isinstance(value, str):
        return None
    if is_template(value):
        return value
    if value.strip().isdigit():
        return _one_batch(int(value))
    match = _PERCENT.fullmatch(value)
    if match and 0 < float(match.group(1)) <= 100:
        return f"{match.group(1)}%"
    return None


def read_serial(ctx: ParseContext, data: PosDict) -> list[int | str]:
    """The batch sizes; ``serial: 2`` is ``[2]``, no serial is ``[]`` (all at once)."""
    value = data.get("serial")
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    batches: list[int | str] = []
    for item in items:
        batch = _one_batch(item)
        if batch is None:
            ctx.add(f"serial must be {_WANTED}; got {describe(item)}",
                    data.key_position("serial"))
            return []
        batches.append(batch)
    if not batches:
        ctx.add(f"serial must be {_WANTED}; got an empty list", data.key_position("serial"))
    return batches
