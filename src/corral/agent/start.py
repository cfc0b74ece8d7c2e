"""The bootstrap's second stage: start the agent from the host's compiled-code cache.

Stdlib only, Python 3.8 syntax. The loader execs this source followed by
``start(KEY, AGENT_SOURCE, API_SOURCE)`` (see ``corral.transport.bootstrap``);
KEY is the sha256 the controller computed over the two sources.

Compiling the agent and its module API costs the host about 4 ms of CPU on
every run, a tenth of what an idle re-run costs there; so the compiled code is
kept in ``~/.cache/corral/agent/<python cache tag>/<KEY>.code``, and a later run
with the same sources executes it instead. A cache entry is used only if all hold:

* the folder and the file belong to the agent's user and nobody else may write
  them (the folder is made 0700, the file 0600), and the file is a regular file
  opened without following a symlink, at most ``MAX_ENTRY`` bytes;
* its header names this format and this Python's bytecode magic number (a
  Python upgraded in place never runs code compiled by the old one);
* the sha256 recorded in its header matches the marshalled code after it (a
  changed or truncated entry is not used), and the sources sent still hash to
  KEY.

Anything else is ignored: the sources are compiled as before and the entry is
written anew, atomically (a private temporary file renamed into place). A new
corral version sends new sources, hence a new KEY: entries of other keys are
removed when one is stored. Like the module cache (``CodeCache`` in
``remote.py``) this is corral's own state, written in check mode too.
"""

import marshal
import os
import sys

FORMAT = b"corral-agent-code-1\n"
MAX_ENTRY = 4 * 1024 * 1024
_DIGEST = 32


def _sha256(data):
    """sha256 digest without loading OpenSSL (hashlib's import costs the host ~3 ms)."""
    try:
        from _sha256 import sha256  # Python 3.8 - 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # Python 3.12+
        except ImportError:
            from hashlib import sha256
    return sha256(data).digest()


def _magic():
    external = sys.modules.get("_frozen_importlib_external")
    return getattr(external, "MAGIC_NUMBER", None)


def cache_folder():
    """The private cache folder, made if missing; None if it is not ours alone."""
    tag = sys.implementation.cache_tag
    if not tag or _magic() is None:
        return None
    try:
        folder = os.path.join(os.path.expanduser("~"), ".cache", "corral", "agent", tag)
        if not os.path.isdir(folder):
            os.makedirs(folder, 0o700)
        info = os.lstat(folder)
    except (OSError, KeyError):
        return None
    if not _private(info) or not os.path.isdir(folder) or os.path.islink(folder):
        return None
    return folder


def _private(info):
    return info.st_uid == os.geteuid() and not info.st_mode & 0o022


def _entry_path(folder, key):
    return os.path.join(folder, key + ".code")


def load(folder, key):
    """The cached code objects for ``key``, or None if there is no usable entry."""
    try:
        fd = os.open(_entry_path(folder, key), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not _private(info) or (info.st_mode & 0o170000) != 0o100000 or info.st_size > MAX_ENTRY:
            return None
        data = b""
        while len(data) < info.st_size:
            chunk = os.read(fd, info.st_size - len(data))
            if not chunk:
                break
            data += chunk
    except OSError:
        return None
    finally:
        os.close(fd)
    return _decode(data)


def _decode(data):
    magic = _magic()
    head = len(FORMAT) + len(magic)
    if data[:head] != FORMAT + magic or len(data) < head + _DIGEST:
        return None
    digest, body = data[head:head + _DIGEST], data[head + _DIGEST:]
    if _sha256(body) != digest:
        return None
    try:
        codes = marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(codes, tuple) or len(codes) != 2:
        return None
    return codes


def store(folder, key, codes):
    """Write the entry for ``key`` atomically and remove the entries of other keys."""
    body = marshal.dumps(codes)
    data = FORMAT + _magic() + _sha256(body) + body
    tmp = os.path.join(folder, ".%s.tmp" % os.urandom(8).hex())
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(tmp, _entry_path(folder, key))
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return
    for name in os.listdir(folder):
        if name.endswith(".code") and name != key + ".code":
            try:
                os.unlink(os.path.join(folder, name))
            except OSError:
                pass


def start(key, agent_source, api_source):
    """Run the agent: from the cache when it holds these sources, else compiled now."""
    if _sha256((agent_source + "\0" + api_source).encode("utf-8")).hex() != key:
        raise RuntimeError("the agent's sources do not match their sha256")
    folder = cache_folder()
    codes = load(folder, key) if folder is not None else None
    if codes is None:
        codes = (compile(agent_source, "<corral agent>", "exec"),
                 compile(api_source, "<corral.modules._api>", "exec"))
        if folder is not None:
            store(folder, key, codes)
    namespace = {"__name__": "__corral_agent__", "__builtins__": __builtins__}
    exec(codes[0], namespace)
    namespace["main"](codes[1])
