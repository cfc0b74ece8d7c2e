"""template's controller-side step: find ``src``, render it, send the text as ``_content``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from corral.errors import TemplateError
from corral.prepare.context import PrepareContext, Prepared, find_local, looked_in
from corral.vault.active import decode_file_text


def prepare_template(args: Mapping[str, Any], context: PrepareContext) -> Prepared:
    """Render ``src`` with ``context.render``; the module stays ``template``."""
    if context.render is None:
        raise TemplateError("template: no renderer given to the prepare step")
    src = str(args.get("src") or "")
    if not src:
        raise TemplateError("template: src is required")
    dirs = context.search_dirs("templates")
    path = find_local(src, dirs)
    if path is None or path.is_dir():
        what = "is a directory" if path is not None else "not found"
        raise TemplateError(f"template {src!r} {what}; looked in: {looked_in(src, dirs)}")
    try:
        text = decode_file_text(path.read_text(encoding="utf-8"), str(path))
    except UnicodeDecodeError as exc:
        raise TemplateError(f"template {path} is not UTF-8 text ({exc.reason} at byte "
                            f"{exc.start})") from exc
    out = dict(args)
    out["_content"] = context.render(text, str(path))
    return Prepared(out)
