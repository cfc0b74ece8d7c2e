"""template's controller-side step: find ``src``, render it, send the text as ``_content``."""

from __future__ import annotations

import base64
import codecs
from collections.abc import Mapping
from typing import Any

from corral.errors import TemplateError
from corral.modules._api import ArgumentError, to_bool
from corral.prepare.context import PrepareContext, Prepared, find_local, looked_in
from corral.vault.active import decode_file_text

# template arguments that are Jinja settings, with the run environment's values
JINJA_STRINGS = {"block_start_string": "{%", "block_end_string": "%}",
                 "variable_start_string": "{{", "variable_end_string": "}}",
                 "comment_start_string": "{#", "comment_end_string": "#}"}
JINJA_FLAGS = {"trim_blocks": True, "lstrip_blocks": False}
NEWLINES = {"\\n": "\n", "\\r": "\r", "\\r\\n": "\r\n", "\n": "\n", "\r": "\r",
            "\r\n": "\r\n"}


def jinja_options(args: Mapping[str, Any]) -> dict[str, Any]:
    """The Jinja settings a template task changes (an empty dict: the run's own)."""
    options: dict[str, Any] = {}
    try:
        for flag, on in JINJA_FLAGS.items():
            if args.get(flag) is not None and to_bool(args[flag], flag) != on:
                options[flag] = to_bool(args[flag], flag)
    except ArgumentError as exc:
        raise TemplateError(f"template: {exc.msg}") from exc
    for name, default in JINJA_STRINGS.items():
        if args.get(name) is not None and str(args[name]) != default:
            options[name] = str(args[name])
    newline = args.get("newline_sequence")
    if newline is not None:
        if str(newline) not in NEWLINES:
            raise TemplateError(f"template: newline_sequence {newline!r} is not one of "
                                "'\\n', '\\r', '\\r\\n'")
        if NEWLINES[str(newline)] != "\n":
            options["newline_sequence"] = NEWLINES[str(newline)]
    return options


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
    options = jinja_options(args)
    rendered = context.render(text, str(path), options)  # trailing newlines as ansible-core
    if str(args.get("mode")) == "preserve":
        out["mode"] = "%04o" % (path.stat().st_mode & 0o7777)
    encoding = str(args.get("output_encoding") or "utf-8")
    try:
        if codecs.lookup(encoding).name == "utf-8":
            out["_content"] = rendered
            return Prepared(out)
        data = rendered.encode(encoding)
    except (UnicodeEncodeError, LookupError) as exc:
        raise TemplateError(f"template {src!r}: cannot write it as {encoding}: {exc}") from exc
    out["_content_b64"] = base64.b64encode(data).decode("ascii")
    return Prepared(out)
