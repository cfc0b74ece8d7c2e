"""``--older-than 90d``: an age as a timedelta (s, m, h, d, w)."""

from __future__ import annotations

import re
from datetime import timedelta

from corral.errors import UsageError

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_AGE = re.compile(r"^\s*(\d{1,6})\s*([smhdw])\s*$")


def parse_age(text: str) -> timedelta:
    match = _AGE.match(text)
    if match is None:
        raise UsageError(f"--older-than {text!r}: write a number and a unit, e.g. 90d, 12h, 2w "
                         "(units: s, m, h, d, w)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
