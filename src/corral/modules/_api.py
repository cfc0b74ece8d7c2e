"""The small API that corral modules are written against.

A module is one stdlib-only Python file (Python 3.8 syntax) that runs on the
managed host. It declares its arguments and four functions::

    DOC = "Manage files and directories."
    ARGS = {
        "path": Arg(str, required=True, aliases=("dest", "name"), doc="..."),
        "state": Arg(str, default="file", choices=("file", "directory")),
    }

    def inspect(ctx, args):        # read the host only; return the current state
    def plan(ctx, args, current):  # pure: return a Plan (changes, or a reason for none)
    def apply(ctx, args, plan):    # the only function that writes; may return extra data

The shared driver ``run_module`` does the rest: validation, the check-mode
early return after ``plan()``, and turning exceptions into a failed result.
Modules never print or exit: they raise ``ModuleError`` or return.

This same file is imported on the controller (to validate arguments before
anything is sent) and sent to the agent, which installs it as
``corral.modules._api`` so module files import it the same way on both sides.

Two optional module-level names tell the controller more:

``REQUIRES = ("_fileattrs",)``
    support files (``corral/modules/_NAME.py``, or next to a user module) that
    must be installed on the host before the module; the registry resolves
    them transitively and ships them in order (``ModuleInfo.sources``).
``PREPARE = "copy"``
    the controller-side step (``corral.prepare.NAME``) that runs first, e.g.
    to render a template or read a local file.

A module that needs a file the controller has not uploaded yet raises
``NeedsUpload`` from ``apply()``: the result has status ``needs_upload``, the
controller streams the file and sends the request again with ``_staged_src``.
"""

import os
import re

# difflib, shutil, tempfile and traceback are imported where they are used: the agent
# loads this module on every run of every host, and most runs need none of them.

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple  # noqa: F401 (type comments)

# Result statuses, as strings on the wire.
OK = "ok"
CHANGED = "changed"
FAILED = "failed"
SKIPPED = "skipped"
# Not a task outcome: the controller must upload a file and ask again.
NEEDS_UPLOAD = "needs_upload"

_MISSING = object()


class ModuleError(Exception):
    """A module could not do its job; the message is shown to the user.

    ``missing`` (see ``missing()``) says the failure is a precondition the host lacks.
    """

    def __init__(self, msg, missing=None, **data):
        # type: (str, Optional[Dict[str, str]], Any) -> None
        super().__init__(msg)
        self.msg = msg
        self.missing = missing
        self.data = data


MISSING_KINDS = ("path", "unit", "command", "user", "group")


def missing(kind, name):
    # type: (str, str) -> Dict[str, str]
    """A precondition the host lacks: a path, a unit, a command, a user or a group.

    A module attaches it to a failure (``ModuleError(msg, missing=...)``) or to a plan
    it made anyway in check mode (``Plan(missing=...)``). In check mode the controller
    reports the task ``unknown`` when an earlier change check mode did not make (a
    package install, a folder to create) explains it; otherwise the result stands.
    """
    if kind not in MISSING_KINDS:
        raise ValueError("missing: unknown kind %r" % kind)
    return {"kind": kind, "name": str(name)}


class ArgumentError(ModuleError):
    """The arguments given to a module are invalid."""


class Arg(object):
    """The declaration of one module argument.

    ``type`` is a Python type (str, int, bool, list, dict, float) or one of the
    names "mode" (file mode: '0644', 0o644 or symbolic 'u+rwx'), "path",
    "raw" (anything), "str_or_list" (a str becomes a one-item list).
    """

    def __init__(self, type=str, required=False, default=_MISSING, choices=None,
                 aliases=(), doc="", elements=None, no_log=False):
        # type: (Any, bool, Any, Optional[Sequence[Any]], Sequence[str], str, Any, bool) -> None
        self.type = type
        self.required = required
        self.default = default
        self.choices = tuple(choices) if choices is not None else None
        self.aliases = tuple(aliases)
        self.doc = doc
        self.elements = elements
        self.no_log = no_log

    @property
    def has_default(self):
        # type: () -> bool
        return self.default is not _MISSING

    def type_name(self):
        # type: () -> str
        if isinstance(self.type, str):
            return self.type
        return getattr(self.type, "__name__", str(self.type))


class Change(object):
    """One thing a module would change: an attribute or the content."""

    def __init__(self, what, before=None, after=None, lines=None):
        # type: (str, Any, Any, Optional[Tuple[int, int]]) -> None
        self.what = what
        self.before = before
        self.after = after
        self.lines = lines  # content: (lines added, lines removed), so output can say "+3 -1"

    def to_dict(self):
        # type: () -> Dict[str, Any]
        out = {"what": self.what, "before": self.before, "after": self.after}  # type: Dict[str, Any]
        if self.lines is not None:
            out["lines"] = list(self.lines)
        return out


class Plan(object):
    """What a module will do: a list of changes, or none and the reason why.

    ``diff`` is a content diff ``{"before": text, "after": text,
    "before_header": .., "after_header": ..}``; attribute changes are listed
    in ``changes`` with before/after. ``data`` is returned to the user
    (e.g. ``register``) in every mode. ``state`` is passed on to ``apply``.

    ``upkeep`` names work ``apply`` does that is not a change of the host's
    state as Ansible counts it (refreshing a package index before installing):
    with no changes, ``apply`` still runs (not in check mode) and the task is
    ok, unless ``apply`` returns ``changed: True`` (the fresh index brought an
    upgrade it installed).
    """

    def __init__(self, changes=None, reason="", diff=None, data=None, state=None, msg="",
                 upkeep=None, missing=None):
        # type: (Optional[List[Change]], str, Optional[Dict[str, Any]], Optional[Dict[str, Any]], Any, str, Optional[List[str]], Optional[Dict[str, str]]) -> None
        self.missing = missing  # check mode: planned although this precondition is missing
        self.changes = list(changes or [])
        self.reason = reason
        self.diff = diff
        self.data = dict(data or {})
        self.state = state
        self.msg = msg
        self.upkeep = list(upkeep or [])

    @property
    def changed(self):
        # type: () -> bool
        return bool(self.changes)


class Skip(Exception):
    """Raised by a module to report the task as skipped, with a reason (and the
    data ``register`` stores, e.g. command's keys in check mode)."""

    def __init__(self, reason, data=None):
        # type: (str, Optional[Dict[str, Any]]) -> None
        super().__init__(reason)
        self.reason = reason
        self.data = dict(data or {})


class NeedsUpload(Exception):
    """Raised by ``apply()`` when the content to write is not on the host yet.

    ``arg`` names the internal argument the controller sets to the staged
    path when it asks again (``_staged_src``).
    """

    def __init__(self, arg="_staged_src", reason="the file content must be uploaded first"):
        # type: (str, str) -> None
        super().__init__(reason)
        self.arg = arg
        self.reason = reason


class Context(object):
    """What a module may know about the run: check/diff mode, remote tmp dir."""

    def __init__(self, check=False, diff=False, tmpdir=None, staged=None):
        # type: (bool, bool, Optional[str], Optional[Dict[str, str]]) -> None
        self.check = check
        self.diff = diff
        if not tmpdir:
            import tempfile
            tmpdir = tempfile.gettempdir()
        self.tmpdir = tmpdir
        # name -> local path of files the controller streamed to this host
        self.staged = dict(staged or {})


# --- argument validation -------------------------------------------------

_BOOL_TRUE = ("yes", "on", "1", "true", "y", "t")
_BOOL_FALSE = ("no", "off", "0", "false", "n", "f", "")


def to_bool(value, name="value"):
    # type: (Any, str) -> bool
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _BOOL_TRUE:
            return True
        if lowered in _BOOL_FALSE:
            return False
    raise ArgumentError("%s: %r is not a boolean (use true or false)" % (name, value))


def _convert(name, spec, value):
    # type: (str, Arg, Any) -> Any
    kind = spec.type
    if value is None:
        return None
    if kind == "raw":
        return value
    if kind is bool:
        return to_bool(value, name)
    if kind is int:
        if isinstance(value, bool):
            raise ArgumentError("%s: expected an integer, got %r" % (name, value))
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ArgumentError("%s: %r is not an integer" % (name, value)) from None
    if kind is float:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ArgumentError("%s: %r is not a number" % (name, value)) from None
    if kind is str or kind == "path":
        if isinstance(value, (dict, list)):
            raise ArgumentError("%s: expected a string, got a %s" % (name, type(value).__name__))
        if isinstance(value, bool):
            text = "yes" if value else "no"
            return text if kind is str else str(value)
        text = str(value)
        return os.path.expanduser(text) if kind == "path" else text
    if kind == "mode":
        return parse_mode_arg(name, value)
    if kind is list or kind == "str_or_list":
        if isinstance(value, str):
            items = [value] if kind == "str_or_list" else [v.strip() for v in value.split(",") if v.strip()]
        elif isinstance(value, (list, tuple)):
            items = list(value)
        else:
            raise ArgumentError("%s: expected a list, got %r" % (name, value))
        if spec.elements is not None:
            items = [_convert("%s[%d]" % (name, i), Arg(spec.elements), v) for i, v in enumerate(items)]
        return items
    if kind is dict:
        if not isinstance(value, dict):
            raise ArgumentError("%s: expected a mapping, got %r" % (name, value))
        return dict(value)
    raise ArgumentError("%s: unknown argument type %r" % (name, kind))


_SYMBOLIC_CLAUSE = re.compile(r"^[ugoa]*(?:[-+=][rwxXstugo]*)+$")


def parse_mode_arg(name, value):
    # type: (str, Any) -> Any
    """A file mode: int (already octal from YAML 0644), octal string, or symbolic."""
    if isinstance(value, bool):
        raise ArgumentError("%s: %r is not a file mode" % (name, value))
    if isinstance(value, int):
        if value > 0o7777 or value < 0:
            raise ArgumentError("%s: %r is out of range for a file mode" % (name, value))
        return value
    text = str(value).strip()
    if text == "preserve":
        return text  # copy and template: the source's mode (resolved before it is used)
    if text and all(c in "01234567" for c in text):
        number = int(text, 8)
        if number > 0o7777:
            raise ArgumentError("%s: %r is out of range for a file mode" % (name, value))
        return number
    if text and all(_SYMBOLIC_CLAUSE.match(clause) for clause in text.split(",")):
        return text  # symbolic: resolved against the current mode on the host
    raise ArgumentError("%s: %r is not a file mode; write it as a quoted octal string like '0644' or symbolically like 'u=rw,g=r,o=r'" % (name, value))


def validate_args(args_spec, given, module_name="module"):
    # type: (Mapping[str, Arg], Mapping[str, Any], str) -> Dict[str, Any]
    """Normalise ``given`` against the declared ``args_spec``.

    Returns a dict with every declared argument (defaults filled in); raises
    ArgumentError listing every problem at once.
    """
    problems = []  # type: List[str]
    alias_to_name = {}  # type: Dict[str, str]
    for name, spec in args_spec.items():
        alias_to_name[name] = name
        for alias in spec.aliases:
            alias_to_name[alias] = name
    result = {}  # type: Dict[str, Any]
    seen_from = {}  # type: Dict[str, str]
    for key, value in given.items():
        if key.startswith("_"):
            result[key] = value  # internal arguments set by the controller
            continue
        canonical = alias_to_name.get(key)
        if canonical is None:
            import difflib
            close = difflib.get_close_matches(key, list(alias_to_name), n=1)
            hint = " (did you mean %r?)" % close[0] if close else ""
            problems.append("unknown argument %r%s; %s takes: %s" % (
                key, hint, module_name, ", ".join(sorted(args_spec))))
            continue
        if canonical in seen_from:
            problems.append("%r and %r are the same argument; give only one" % (seen_from[canonical], key))
            continue
        seen_from[canonical] = key
        try:
            result[canonical] = _convert(canonical, args_spec[canonical], value)
        except ArgumentError as exc:
            problems.append(exc.msg)
    for name, spec in args_spec.items():
        if name in result:
            value = result[name]
        elif spec.required:
            problems.append("missing required argument %r" % name)
            continue
        else:
            value = spec.default if spec.has_default else None
            result[name] = value
        if spec.choices is not None and value is not None and value not in spec.choices:
            problems.append("%s: %r is not one of %s" % (name, value, ", ".join(repr(c) for c in spec.choices)))
    if problems:
        raise ArgumentError("; ".join(problems), problems=problems)
    return result


# --- helpers modules share -----------------------------------------------

def line_counts(before, after):
    # type: (str, str) -> Tuple[int, int]
    """(added, removed) lines between two texts, as a unified diff counts them."""
    import difflib

    added = removed = 0
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    for line in list(lines)[2:]:  # after the two file headers
        if line.startswith("+"):
            added += 1
        elif line.startswith("-"):
            removed += 1
    return added, removed


def text_diff(before, after, before_header="before", after_header="after"):
    # type: (str, str, str, str) -> Dict[str, Any]
    """The content diff of a plan, as the controller renders it."""
    return {"before": before, "after": after,
            "before_header": before_header, "after_header": after_header}


def atomic_write(path, data, mode=None, tmpdir=None, before_rename=None, uid=None, gid=None):
    # type: (str, Any, Optional[int], Optional[str], Optional[Callable[[str], None]], Optional[int], Optional[int]) -> None
    """Write ``data`` to ``path`` so a reader sees the old or the new file, never half.

    ``data`` is bytes or a binary file object (copied in chunks). The temp
    file is created in the destination folder (same filesystem, so the rename
    is atomic). Its final attributes are the mode ``mode`` (else the replaced
    file's, else the umask default) and the owner ``uid``/``gid`` (else the
    replaced file's, else ours). Before any content goes in, the temp file
    gets that owner and group and only the final mode's owner bits, so the
    content is never readable by anyone the final file would keep out; the
    full mode follows once the content is in and fsync'd. Then
    ``before_rename(temp_path)`` runs (validate: raising there leaves
    ``path`` untouched) and the temp file is renamed over ``path``. The temp
    file never survives a failure.
    """
    folder = os.path.dirname(os.path.abspath(path))
    final_mode, owner = _final_attrs(path, mode, uid, gid)
    import shutil
    import tempfile
    fd, tmp = tempfile.mkstemp(prefix=".corral-", suffix=".tmp", dir=tmpdir or folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            _claim(handle.fileno(), owner, final_mode & 0o700)
            if isinstance(data, (bytes, bytearray)):
                handle.write(data)
            else:
                shutil.copyfileobj(data, handle, 1024 * 1024)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), final_mode)
        if before_rename is not None:
            before_rename(tmp)
        os.rename(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _final_attrs(path, mode, uid, gid):
    # type: (str, Optional[int], Optional[int], Optional[int]) -> Tuple[int, Tuple[Optional[int], Optional[int]]]
    """The mode and (uid, gid) a file written over ``path`` ends with (None: ours)."""
    try:
        old = os.stat(path)
    except OSError:
        old = None
    if mode is None:
        mode = (old.st_mode & 0o7777) if old is not None else 0o666 & ~_umask()
    if old is not None:
        uid = old.st_uid if uid is None else uid
        gid = old.st_gid if gid is None else gid
    return mode, (uid, gid)


def _claim(fd, owner, mode):
    # type: (int, Tuple[Optional[int], Optional[int]], int) -> None
    """Give the still empty temp file its final owner and group, then ``mode``.

    Owner first: chown clears set-id bits. Not root: the new file stays ours,
    as with any editor.
    """
    st = os.fstat(fd)
    uid = st.st_uid if owner[0] is None else owner[0]
    gid = st.st_gid if owner[1] is None else owner[1]
    if (uid, gid) != (st.st_uid, st.st_gid):
        try:
            os.fchown(fd, uid, gid)
        except PermissionError:
            pass
    os.fchmod(fd, mode)


def _umask():
    # type: () -> int
    umask = os.umask(0)
    os.umask(umask)
    return umask


# --- the driver ------------------------------------------------------------

def _result(status, msg="", diff=None, changes=None, data=None, missing=None):
    # type: (str, str, Any, Optional[List[Change]], Optional[Dict[str, Any]], Optional[Dict[str, str]]) -> Dict[str, Any]
    result = {
        "status": status,
        "msg": msg,
        "diff": diff,
        "changes": [c.to_dict() for c in (changes or [])],
        "data": data or {},
    }  # type: Dict[str, Any]
    if missing:
        result["missing"] = missing
    return result


def _describe(plan):
    # type: (Plan) -> str
    if plan.msg:
        return plan.msg
    return ", ".join(
        "%s: %s -> %s" % (c.what, c.before, c.after) if (c.before is not None or c.after is not None) else c.what
        for c in plan.changes
    )


def _run_upkeep(module, args, plan, ctx):
    # type: (Any, Mapping[str, Any], Plan, Context) -> Dict[str, Any]
    """A plan with upkeep only: apply it; ok unless apply says it changed something."""
    data = dict(plan.data)
    data.update(module.apply(ctx, args, plan) or {})
    changed = bool(data.pop("changed", False))
    message = data.pop("summary", None) or plan.reason or plan.msg
    return _result(CHANGED if changed else OK, message, None, plan.changes, data)


def run_module(module, args, ctx):
    # type: (Any, Mapping[str, Any], Context) -> Dict[str, Any]
    """Run one module: validate, inspect, plan, and apply unless in check mode.

    Always returns a result dict; never raises for a module's own failure.
    The content diff is returned only in diff mode.

    ``msg`` in a result's data is Ansible's message, what ``register`` stores
    (lineinfile's "line added"); the result's own ``msg`` is corral's human
    message: the plan's, or ``summary`` returned by ``apply()`` (what was done).
    """
    name = getattr(module, "__name__", "module").rpartition(".")[2]
    try:
        checked = validate_args(getattr(module, "ARGS", {}), args, name)
        current = module.inspect(ctx, checked)
        plan = module.plan(ctx, checked, current)
        diff = plan.diff if ctx.diff else None
        if not plan.changed and plan.upkeep and not ctx.check:
            return _run_upkeep(module, checked, plan, ctx)
        if not plan.changed:
            return _result(OK, plan.reason or plan.msg, None, [], plan.data)
        message = _describe(plan)
        if ctx.check:
            return _result(CHANGED, message, diff, plan.changes, plan.data, plan.missing)
        extra = module.apply(ctx, checked, plan)
        data = dict(plan.data)
        if isinstance(extra, dict):
            data.update(extra)
        if data.pop("_unchanged", False):  # apply() found out nothing had to change after all
            return _result(OK, data.pop("summary", None) or data.get("msg") or plan.reason
                           or message, None, [], data)
        return _result(CHANGED, data.pop("summary", None) or message, diff, plan.changes, data)
    except Skip as exc:
        return _result(SKIPPED, exc.reason, data=exc.data)
    except NeedsUpload as exc:
        return _result(NEEDS_UPLOAD, exc.reason, data={"arg": exc.arg})
    except ModuleError as exc:
        return _result(FAILED, exc.msg, data=exc.data, missing=exc.missing)
    except Exception as exc:  # a bug in a module must not kill the agent
        import traceback
        return _result(FAILED, "%s: %s" % (type(exc).__name__, exc),
                       data={"exception": traceback.format_exc()})
