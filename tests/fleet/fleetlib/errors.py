"""The fleet's one exception type.

FleetError carries a message meant for a person: what failed and what to do.
The CLI prints it and exits 1; the pytest fixture turns it into pytest.fail.
"""

from __future__ import annotations


class FleetError(Exception):
    """The fleet could not do what was asked; the message says why."""
