"""The loader command and the agent payload streamed to a host at connect time.

See ``corral.transport.framing`` for the whole bootstrap sequence.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
import shlex
import tempfile
import zlib
from pathlib import Path

from corral.transport.framing import READY_LINE

NO_PYTHON_MARKER = "CORRAL-NO-PYTHON"
OLD_PYTHON_MARKER = "CORRAL-OLD-PYTHON"
NO_ISOLATION = "Unknown option: -I"  # what Python < 3.4 says to the -I flag
DEFAULT_INTERPRETERS = ("python3", "/usr/libexec/platform-python", "python")

# Runs under whatever Python 3.4+ was found (-I stops older ones first): keep it tiny and old.
_LOADER = (
    "import sys,os,zlib\n"
    "if sys.version_info<(3,8):sys.stderr.write('" + OLD_PYTHON_MARKER + " '+sys.version.split()[0]+'\\n');sys.exit(126)\n"
    "os.write(1,b'" + READY_LINE.decode("ascii").replace("\n", "\\n") + "')\n"
    "exec(zlib.decompress(sys.stdin.buffer.read({size})))"
)

# $1 is the loader; the other arguments are candidate interpreters, tried in order.
# Python starts isolated (-I: no current folder or script folder on sys.path, no user
# site, no PYTHON* variables) and without site (-S: site and its .pth files cost the
# host ~2.5 ms per run; built-in modules need only the stdlib, and the agent adds the
# site-packages before a user's module runs) in "/": sudo keeps the login user's folder
# as the working directory, and nothing of that user's may be imported by root's agent.
# The folder the shell started in is passed on; the agent runs modules there, as Ansible
# does.
_DISCOVER = (
    'c=$1; shift; d=$PWD; cd / || exit 126; for p in "$@"; do '
    'if command -v "$p" >/dev/null 2>&1; then exec "$p" -I -S -c "$c" "$d"; fi; done; '
    "echo " + NO_PYTHON_MARKER + ' "$*" >&2; exit 127'
)


_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # corral/


def _source(name: str) -> str:
    """The source of module ``name`` ("corral.agent.remote"), read beside this file."""
    parts = name.split(".")[1:]
    return _PACKAGE_DIR.joinpath(*parts[:-1], parts[-1] + ".py").read_text(encoding="utf-8")


_PAYLOAD_SOURCES = ("agent.start", "agent.remote", "modules._api")

_DOCSTRING_HOLDERS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def minify(source: str) -> str:
    """``source`` without comments and docstrings (a third less to send)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, _DOCSTRING_HOLDERS):
            continue
        body = node.body
        first = body[0] if body else None
        if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return ast.unparse(tree)


@functools.cache
def agent_program() -> str:
    """The program the loader execs: ``agent/start.py``, then ``start(KEY, agent, api)``.

    ``agent`` is remote.py and ``api`` is modules/_api.py (both minified); KEY is
    the sha256 of ``agent + NUL + api``, under which the host keeps their
    compiled code (see ``corral.agent.start``).
    """
    agent = minify(_source("corral.agent.remote"))
    api = minify(_source("corral.modules._api"))
    key = hashlib.sha256((agent + "\0" + api).encode("utf-8")).hexdigest()
    start = minify(_source("corral.agent.start"))
    return f"{start}\nstart({key!r}, {agent!r}, {api!r})\n"


@functools.cache
def agent_payload() -> bytes:
    """The zlib-compressed agent program, built once per process.

    Minifying costs ~30 ms, a tenth of a small run: the result is kept in the
    controller user's cache folder, keyed by the sources it was made from,
    beside the sha256 it had when it was built. A cached payload is sent only
    if it still has that sha256 and is the user's own file that nobody else
    may write; otherwise it is rebuilt.
    """
    sources = "\0".join(_source(f"corral.{name}") for name in _PAYLOAD_SOURCES)
    key = hashlib.sha256(sources.encode("utf-8")).hexdigest()[:24]
    cached = _payload_cache_dir() / f"agent-{key}.zlib"
    data = _load_verified(cached)
    if data is not None:
        return data
    payload = zlib.compress(agent_program().encode("utf-8"), 9)
    _store(cached, payload)
    _store(_digest_path(cached), hashlib.sha256(payload).hexdigest().encode("ascii"))
    return payload


def _digest_path(cached: Path) -> Path:
    return cached.with_suffix(".sha256")


def _load_verified(cached: Path) -> bytes | None:
    """The cached payload if it matches its recorded sha256 and only we could write it."""
    try:
        for path in (cached, _digest_path(cached)):
            info = path.stat()
            if info.st_uid != os.getuid() or info.st_mode & 0o022:
                return None
        data = cached.read_bytes()
        recorded = _digest_path(cached).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if hashlib.sha256(data).hexdigest() != recorded:
        return None
    return data


def _payload_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "corral"


def _store(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; a cache that cannot be written is no error."""
    tmp = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".agent-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def bootstrap_size() -> int:
    """Bytes streamed to each host to start its agent (the compressed payload)."""
    return len(agent_payload())


def loader_command(interpreter: str | None = None) -> str:
    """The shell command that finds Python and starts the agent loader."""
    loader = _LOADER.format(size=bootstrap_size())
    candidates = (interpreter,) if interpreter else DEFAULT_INTERPRETERS
    words = ["sh", "-c", _DISCOVER, "corral", loader, *candidates]
    return " ".join(shlex.quote(word) for word in words)
