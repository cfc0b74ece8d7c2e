"""Split an inventory host entry into host names and an optional port.

An entry is a name or range, optionally followed by ``:PORT``
(``web[1:3]:2222``, ``10.0.0.5:22``, ``[2001:db8::1]:22``). A bare IPv6
address (``2001:db8::1``) has no port.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corral.inventory.ranges import RangeError, expand_host_range

_BRACKETED_IPV6 = re.compile(r"^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$")
_BRACKET_GROUP = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True)
class HostEntry:
    names: list[str]
    port: int | None


def parse_host_entry(text: str) -> HostEntry:
    """Names and port of one host entry; raises ``RangeError`` when it is invalid."""
    text = text.strip()
    if text and "[" not in text and ":" not in text:
        return HostEntry([text], None)  # a plain name: most entries of a big inventory
    ipv6 = _BRACKETED_IPV6.match(text)
    if ipv6 is not None and ipv6.group(1).count(":") >= 2:
        port = ipv6.group(2)
        return HostEntry([ipv6.group(1)], int(port) if port else None)
    outside = _BRACKET_GROUP.sub("", text)
    if outside.count(":") > 1:
        return HostEntry([text], None)  # a bare IPv6 address
    name, port_text = text, ""
    if outside.count(":") == 1:
        name, _, port_text = text.rpartition(":")
        if not port_text.isdigit():
            raise RangeError(
                f"invalid port '{port_text}' in host '{text}': write NAME or NAME:PORT"
            )
    if not name:
        raise RangeError(f"host entry '{text}' has no host name")
    return HostEntry(expand_host_range(name), int(port_text) if port_text else None)
