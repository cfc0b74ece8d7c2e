"""Host name ranges, as Ansible writes them: ``web[01:20]``, ``web[1:9:2]``, ``db-[a:f]``."""

from __future__ import annotations

import re
import string

_RANGE = re.compile(r"\[([^\]]*)\]")


class RangeError(ValueError):
    """A ``[begin:end(:step)]`` range that cannot be expanded."""


def has_range(name: str) -> bool:
    return _RANGE.search(name) is not None


def expand_host_range(name: str) -> list[str]:
    """Every host name a (possibly ranged) name stands for, in order.

    Zero padding of the begin value is kept (``[01:10]`` gives ``01``..``10``);
    several ranges in one name multiply out, the leftmost varying slowest.
    """
    match = _RANGE.search(name)
    if match is None:
        return [name]
    head, tail = name[: match.start()], name[match.end() :]
    names: list[str] = []
    for item in _range_items(match.group(1), name):
        names.extend(expand_host_range(head + item + tail))
    return names


def _range_items(spec: str, name: str) -> list[str]:
    bounds = spec.split(":")
    if len(bounds) not in (2, 3):
        raise RangeError(
            f"invalid range '[{spec}]' in '{name}': write [begin:end] or [begin:end:step]"
        )
    begin, end = bounds[0].strip() or "0", bounds[1].strip()
    step = _step(bounds[2].strip() if len(bounds) == 3 else "1", spec, name)
    if not end:
        raise RangeError(f"invalid range '[{spec}]' in '{name}': the end value is missing")
    if begin.isdigit() and end.isdigit():
        return _numeric(begin, end, step, spec, name)
    if (
        len(begin) == 1
        and len(end) == 1
        and begin in string.ascii_letters
        and end in string.ascii_letters
    ):
        return _alphabetic(begin, end, step, spec, name)
    raise RangeError(
        f"invalid range '[{spec}]' in '{name}': begin and end must both be numbers or both single letters"
    )


def _step(text: str, spec: str, name: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise RangeError(
            f"invalid range '[{spec}]' in '{name}': the step must be a positive integer"
        )
    return int(text)


def _numeric(begin: str, end: str, step: int, spec: str, name: str) -> list[str]:
    if int(begin) > int(end):
        raise RangeError(
            f"invalid range '[{spec}]' in '{name}': begin must not be greater than end"
        )
    width = 0
    if begin.startswith("0") and len(begin) > 1:
        if len(begin) != len(end):
            wide = max(len(begin), len(end))
            raise RangeError(
                f"invalid range '[{spec}]' in '{name}': a zero-padded range needs begin and end "
                f"of the same width (e.g. [{begin.zfill(wide)}:{end.zfill(wide)}])"
            )
        width = len(begin)
    return [str(i).zfill(width) for i in range(int(begin), int(end) + 1, step)]


def _alphabetic(begin: str, end: str, step: int, spec: str, name: str) -> list[str]:
    letters = string.ascii_letters
    first, last = letters.index(begin), letters.index(end)
    if first > last:
        raise RangeError(f"invalid range '[{spec}]' in '{name}': begin must not come after end")
    return list(letters[first : last + 1 : step])
