"""Host name ranges, as Ansible writes them: ``web[01:20]``, ``web[1:9:2]``, ``db-[a:f]``.

The number of names a ranged entry stands for is counted before any is made, so
``web[0000000:9999999]`` is refused in microseconds instead of filling the memory.
"""

from __future__ import annotations

import itertools
import math
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass

from corral.input_bounds import cut_middle, range_size_problem

_RANGE = re.compile(r"\[([^\]]*)\]")
_DIGITS = re.compile(r"[0-9]+")
_MAX_DIGITS = 30  # far past any host count; keeps int() of a huge number out


class RangeError(ValueError):
    """A ``[begin:end(:step)]`` range that cannot be expanded."""


def has_range(name: str) -> bool:
    return _RANGE.search(name) is not None


def expand_host_range(name: str) -> list[str]:
    """Every host name a (possibly ranged) name stands for, in order.

    Zero padding of the begin value is kept (``[01:10]`` gives ``01``..``10``);
    several ranges in one name multiply out, the leftmost varying slowest.
    """
    parts: list[_Items] = []
    end = 0
    for match in _RANGE.finditer(name):
        parts += [_Items.of(name[end : match.start()]), _range_items(match.group(1), name)]
        end = match.end()
    if not parts:
        return [name]
    parts.append(_Items.of(name[end:]))
    problem = range_size_problem(math.prod(part.count for part in parts), name)
    if problem is not None:
        raise RangeError(problem)
    return ["".join(names) for names in itertools.product(*(part.names for part in parts))]


@dataclass(frozen=True)
class _Items:
    """What one part of a name stands for: how many names, and the names, made lazily."""

    count: int
    names: Iterable[str]

    @classmethod
    def of(cls, text: str) -> _Items:
        return cls(1, (text,))


def _range_items(spec: str, name: str) -> _Items:
    bounds = spec.split(":")
    if len(bounds) not in (2, 3):
        raise RangeError(
            f"{_invalid(spec, name)}: write [begin:end] or [begin:end:step]"
        )
    begin, end = bounds[0].strip() or "0", bounds[1].strip()
    step = _step(bounds[2].strip() if len(bounds) == 3 else "1", spec, name)
    if not end:
        raise RangeError(f"{_invalid(spec, name)}: the end value is missing")
    if _DIGITS.fullmatch(begin) and _DIGITS.fullmatch(end):
        return _numeric(begin, end, step, spec, name)
    if (
        len(begin) == 1
        and len(end) == 1
        and begin in string.ascii_letters
        and end in string.ascii_letters
    ):
        return _alphabetic(begin, end, step, spec, name)
    raise RangeError(
        f"{_invalid(spec, name)}: begin and end must both be numbers or both single letters"
    )


def _invalid(spec: str, name: str) -> str:
    return f"invalid range '[{cut_middle(spec)}]' in '{cut_middle(name, 100)}'"


def _step(text: str, spec: str, name: str) -> int:
    if not _DIGITS.fullmatch(text) or len(text) > _MAX_DIGITS or int(text) == 0:
        raise RangeError(
            f"{_invalid(spec, name)}: the step must be a positive integer"
        )
    return int(text)


def _numeric(begin: str, end: str, step: int, spec: str, name: str) -> _Items:
    if max(len(begin), len(end)) > _MAX_DIGITS:
        raise RangeError(f"{_invalid(spec, name)}: numbers of more than "
                         f"{_MAX_DIGITS} digits")
    if int(begin) > int(end):
        raise RangeError(
            f"{_invalid(spec, name)}: begin must not be greater than end"
        )
    width = 0
    if begin.startswith("0") and len(begin) > 1:
        if len(begin) != len(end):
            wide = max(len(begin), len(end))
            raise RangeError(
                f"{_invalid(spec, name)}: a zero-padded range needs begin and end "
                f"of the same width (e.g. [{begin.zfill(wide)}:{end.zfill(wide)}])"
            )
        width = len(begin)
    numbers = range(int(begin), int(end) + 1, step)
    count = (int(end) - int(begin)) // step + 1  # len(range) overflows past sys.maxsize
    return _Items(count, (str(i).zfill(width) for i in numbers))


def _alphabetic(begin: str, end: str, step: int, spec: str, name: str) -> _Items:
    letters = string.ascii_letters
    first, last = letters.index(begin), letters.index(end)
    if first > last:
        raise RangeError(f"{_invalid(spec, name)}: begin must not come after end")
    names = letters[first : last + 1 : step]
    return _Items(len(names), names)
