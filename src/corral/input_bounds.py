"""The bounds on every file and value corral reads from a user, and the one place a
broken bound becomes an input error.

No input may crash corral, hang it or exhaust its memory: a playbook, inventory, vars
file or ``-e`` value that is too big, too deep, not text, or names something no file
system or module lookup can hold is refused before anything runs, with the file and
line where the problem is. The numbers are far above what a real playbook or
inventory needs (an inventory of 100,000 hosts is a supported size) and far below
what hurts a 2-core controller.
"""

from __future__ import annotations

import re
from pathlib import Path

from corral.errors import Position, Problem

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""Largest playbook, inventory or vars file read (a 100,000-host inventory is ~10 MB)."""

MAX_NESTING = 200
"""Deepest nesting of mappings and sequences in one YAML document, aliases expanded."""

MIN_ALIAS_NODES = 1_000_000
ALIAS_NODES_PER_WRITTEN_NODE = 10
"""Nodes that aliases may expand to: the larger of MIN_ALIAS_NODES and ten times the
nodes actually written, so a billion-laughs document is refused while an inventory
that merges ``<<: *defaults`` into 100,000 hosts is not."""

MAX_RANGE_HOSTS = 100_000
"""Most host names one ranged entry (``web[1:100000]``) may expand to."""

MAX_INVENTORY_HOSTS = 1_000_000
"""Most hosts all inventory sources together may define."""

MAX_ARGUMENT_CHARS = 128 * 1024
"""Longest ``-e`` value read (Linux passes at most 128 KiB in one argument anyway)."""

NAME_MAX = 255
"""Longest name that becomes one file name (a module, host_vars/HOST, group_vars/GROUP)."""

PATH_MAX = 4096
"""Longest path that a playbook may name (import_tasks, vars_files, src)."""

# What YAML 1.1 forbids in a stream (the complement of the set PyYAML's reader allows:
# tab, LF, CR, printable ASCII, NEL, U+00A0-U+D7FF, U+E000-U+FFFD, U+10000 up); corral
# holds INI inventories to it too, so no control character reaches a host name. Spelled
# as the forbidden ranges: the negated class of the allowed ones takes 7 ms to compile.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_CHARACTER_NAMES = {0: "NUL", 7: "BEL", 8: "backspace", 0x0B: "vertical tab",
                    0x0C: "form feed", 0x1B: "ESC", 0x7F: "DEL"}


class InputBoundError(Exception):
    """An input broke a bound; ``line``/``column`` (1-based) say where, when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def problem(self, file: str) -> Problem:
        """The problem to report for ``file``: the one place a bound becomes an input error."""
        return Problem(self.message, Position(file, self.line, self.column))


def read_input_text(path: Path) -> str:
    """The text of a user's file, checked: size, UTF-8 and characters.

    Raises ``InputBoundError`` when a bound is broken and ``OSError`` when the file
    cannot be read. Reads at most ``MAX_INPUT_BYTES`` + 1 bytes, so ``/dev/zero`` or
    a named pipe that never ends is refused, not suffered.
    """
    with open(path, "rb") as stream:
        data = stream.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise InputBoundError(
            f"file is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB; corral reads "
            "playbooks, inventories and vars files up to that size")
    text = decode_utf8(data)
    check_characters(text)
    return text


def decode_utf8(data: bytes) -> str:
    """``data`` as UTF-8 text, or an error naming the first bad byte, its offset and line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputBoundError(
            f"file is not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} "
            f"({exc.reason}); save the file as UTF-8", line, column) from None


def check_characters(text: str) -> None:
    """Refuse NUL and the control characters YAML forbids, naming line and column."""
    match = _FORBIDDEN.search(text)
    if match is None:
        return
    index = match.start()
    line, column = line_and_column(text, index)
    code = ord(text[index])
    name = _CHARACTER_NAMES.get(code, "control character")
    raise InputBoundError(
        f"{name} U+{code:04X} at line {line}, column {column} is not allowed in a "
        "playbook, inventory or vars file (write it as an escape in a double-quoted "
        "YAML string, e.g. \"\\x01\", if it is really meant)", line, column)


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` of ``text``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def nesting_exceeds(value: object, limit: int) -> bool:
    """Whether lists and dicts in ``value`` nest deeper than ``limit`` (walked without recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list) and depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False


def characters_problem(text: str, what: str) -> str | None:
    """Why ``text`` (a host or group name) cannot be used: a NUL or control character."""
    match = _FORBIDDEN.search(text)
    if match is None:
        return None
    return (f"{what} {_shortened(text)} contains the control character "
            f"U+{ord(match.group()):04X}; names are printable text")


def name_problem(name: str, what: str) -> str | None:
    """Why ``name`` cannot become a file name (a module, a host or group vars file), or None."""
    if "\x00" in name:
        return f"{what} {_shortened(name)} contains a NUL character"
    if len(name.encode("utf-8", "surrogatepass")) > NAME_MAX:
        return (f"{what} {_shortened(name)} is {len(name)} characters long; a name is at "
                f"most {NAME_MAX} bytes (it becomes a file name)")
    return None


def path_problem(path: str, what: str) -> str | None:
    """Why ``path`` (a file a playbook names) cannot be opened, or None."""
    if "\x00" in path:
        return f"{what} {_shortened(path)} contains a NUL character"
    encoded = path.encode("utf-8", "surrogatepass")
    if len(encoded) > PATH_MAX:
        return f"{what} is {len(path)} characters long; a path is at most {PATH_MAX} bytes"
    longest = max((len(part) for part in encoded.split(b"/")), default=0)
    if longest > NAME_MAX:
        return (f"{what} {_shortened(path)} has a file or folder name longer than "
                f"{NAME_MAX} bytes")
    return None


def range_size_problem(count: int, entry: str) -> str | None:
    """Why a ranged host entry that stands for ``count`` hosts is refused, or None."""
    if count <= MAX_RANGE_HOSTS:
        return None
    return (f"range {_shortened(entry)} stands for {count:,} hosts; one entry may stand "
            f"for at most {MAX_RANGE_HOSTS:,} (split it, or check the digits)")


def cut_middle(text: str, limit: int = 60) -> str:
    """``text``, its middle left out when longer than ``limit``."""
    if len(text) <= limit:
        return text
    return f"{text[: limit // 2]}...{text[-limit // 4 :]}"


def _shortened(text: str, limit: int = 60) -> str:
    """``text`` quoted, its middle cut when long, control characters escaped."""
    return repr(cut_middle(text, limit))
