"""The test helper that replays a terminal's output keeps what a person would see."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "integration"))

from terminal_capture import replay


def test_erased_lines_are_gone_and_printed_lines_stay() -> None:
    raw = ("\x1b[?25l\x1b[1mstatus 1\x1b[0m\r\n\x1b[1mstatus 2\x1b[0m\r\x1b[2K\x1b[1A\x1b[2K"
           "printed line\r\n\x1b[1mstatus 3\x1b[0m\r\nlast\r\x1b[2K\x1b[1A\x1b[2K\x1b[?25h")
    assert replay(raw) == ["printed line"]


def test_carriage_return_overwrites() -> None:
    assert replay("abcdef\rXY\n") == ["XYcdef"]
