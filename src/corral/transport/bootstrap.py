"""The loader command and the agent payload streamed to a host at connect time.

See ``corral.transport.framing`` for the whole bootstrap sequence.
"""

from __future__ import annotations

import ast
import functools
import shlex
import zlib
from importlib import resources

from corral.transport.framing import READY_LINE

NO_PYTHON_MARKER = "CORRAL-NO-PYTHON"
OLD_PYTHON_MARKER = "CORRAL-OLD-PYTHON"
DEFAULT_INTERPRETERS = ("python3", "/usr/libexec/platform-python", "python")

# Runs under whatever Python was found, including Python 2: keep it tiny and old.
_LOADER = (
    "import sys,os,zlib\n"
    "if sys.version_info<(3,8):sys.stderr.write('" + OLD_PYTHON_MARKER + " '+sys.version.split()[0]+'\\n');sys.exit(126)\n"
    "os.write(1,b'" + READY_LINE.decode("ascii").replace("\n", "\\n") + "')\n"
    "exec(zlib.decompress(sys.stdin.buffer.read({size})))"
)

# $1 is the loader; the other arguments are candidate interpreters, tried in order.
_DISCOVER = (
    'c=$1; shift; for p in "$@"; do '
    'if command -v "$p" >/dev/null 2>&1; then exec "$p" -c "$c"; fi; done; '
    "echo " + NO_PYTHON_MARKER + ' "$*" >&2; exit 127'
)


def _source(name: str) -> str:
    package, _, filename = name.rpartition(".")
    return resources.files(package).joinpath(filename + ".py").read_text(encoding="utf-8")


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
    """The agent's source as sent: remote.py, then ``main(<_api.py source>)``."""
    agent = minify(_source("corral.agent.remote"))
    api = minify(_source("corral.modules._api"))
    return f"{agent}\nmain({api!r})\n"


@functools.cache
def agent_payload() -> bytes:
    """The zlib-compressed agent program, built once per process."""
    return zlib.compress(agent_program().encode("utf-8"), 9)


def bootstrap_size() -> int:
    """Bytes streamed to each host to start its agent (the compressed payload)."""
    return len(agent_payload())


def loader_command(interpreter: str | None = None) -> str:
    """The shell command that finds Python and starts the agent loader."""
    loader = _LOADER.format(size=bootstrap_size())
    candidates = (interpreter,) if interpreter else DEFAULT_INTERPRETERS
    words = ["sh", "-c", _DISCOVER, "corral", loader, *candidates]
    return " ".join(shlex.quote(word) for word in words)
