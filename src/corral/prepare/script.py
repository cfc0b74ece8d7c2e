"""script's controller-side step: find the local script, send its content and arguments."""

from __future__ import annotations

import base64
import shlex
from collections.abc import Mapping
from typing import Any

from corral.errors import PlaybookError
from corral.prepare.context import PrepareContext, Prepared, find_local, looked_in

MAX_SCRIPT = 8 * 1024 * 1024


def prepare_script(args: Mapping[str, Any], context: PrepareContext) -> Prepared:
    """``_script_b64`` (the file), ``_script_name`` and ``_script_args`` (the rest of the line)."""
    line = args.get("cmd") if args.get("cmd") is not None else args.get("_raw_params")
    words = shlex.split(str(line or ""))
    if not words:
        raise PlaybookError("script: name the local script to run (free-form, or cmd)")
    dirs = context.search_dirs("files")
    path = find_local(words[0], dirs)
    if path is None or not path.is_file():
        raise PlaybookError(f"script: {words[0]!r} not found; looked in: {looked_in(words[0], dirs)}")
    if path.stat().st_size > MAX_SCRIPT:
        raise PlaybookError(f"script: {path} is bigger than {MAX_SCRIPT} bytes")
    out = {k: v for k, v in args.items() if k not in ("cmd", "_raw_params")}
    out["_script_b64"] = base64.b64encode(path.read_bytes()).decode("ascii")
    out["_script_name"] = path.name
    out["_script_args"] = words[1:]
    return Prepared(out)
