"""Controller-side steps that run before a module is sent to a host.

A module names its step with ``PREPARE = "copy"`` (``ModuleInfo.prepare``);
the executor calls ``prepare(step, args, context)`` with the task's rendered
arguments and sends ``Prepared.args`` to the agent. If ``Prepared.upload`` is
set, the content was too big to inline: the first request carries only its
``_checksum``; when the module answers with status ``needs_upload`` the
executor streams ``upload`` to the host and sends the request again with
``_staged_src`` set to the remote path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corral.errors import PlaybookError
from corral.prepare.context import PrepareContext, Prepared
from corral.prepare.copy import prepare_copy
from corral.prepare.fetch import prepare_fetch
from corral.prepare.script import prepare_script
from corral.prepare.template import prepare_template

__all__ = ["STEPS", "PrepareContext", "Prepared", "prepare", "prepare_copy", "prepare_template"]

STEPS = {"copy": prepare_copy, "template": prepare_template, "fetch": prepare_fetch,
         "script": prepare_script}


def prepare(step: str, args: Mapping[str, Any], context: PrepareContext) -> Prepared:
    """Run the controller-side step called ``step`` on a task's arguments."""
    try:
        run = STEPS[step]
    except KeyError:
        raise PlaybookError(f"unknown controller-side step {step!r}") from None
    return run(args, context)
