"""corral's remote agent: the one program the controller streams to a host.

Stdlib only, Python 3.8 syntax. The bootstrap's second stage
(``corral.agent.start``) executes this file's code, then calls ``main`` with
the code of ``corral.modules._api``; the agent then serves length-prefixed
JSON frames on its stdin/stdout until ``exit`` or end of input. See ``corral.transport.framing`` for the protocol.

A thread of its own reads the frames, so a ``cancel`` frame or the end of
input is seen at once, even while a module runs: the agent then stops every
process the running request started (it may run as root under sudo, where the
controller cannot signal them itself).

Keep module logic out of here: modules arrive as source on first use.
Every host pays for each import on every run, so what only some requests
need (hashlib, tempfile, shutil, traceback) is imported where it is used.
"""

import binascii
import json
import marshal
import os
import pwd
import queue
import signal
import struct
import sys
import threading
import time
import types
import zlib

PROTOCOL = 2
MAX_FRAME = 16 * 1024 * 1024
_HEADER = struct.Struct(">I")
STOP_GRACE = 0.3  # seconds between SIGTERM and SIGKILL for a cancelled request's processes
EOF_GRACE = 1.0  # after end of input, how long a running module may take to return


class FrameTooLarge(Exception):
    """A peer announced a frame bigger than MAX_FRAME; the stream is unusable."""


class Terminated(BaseException):
    """A signal asked the agent to stop (SIGTERM, SIGHUP)."""


class RequestError(Exception):
    """A request failed; ``kind`` becomes the error type on the wire."""

    def __init__(self, kind, msg):
        Exception.__init__(self, msg)
        self.kind = kind
        self.msg = msg


# --- raw frame I/O on file descriptors --------------------------------------

class FrameReader(object):
    """Reads frames from a file descriptor with a small reusable buffer."""

    def __init__(self, fd):
        self.fd = fd
        self.buf = bytearray()

    def _fill(self, n):
        # Return False on end of input before n bytes are buffered.
        while len(self.buf) < n:
            chunk = os.read(self.fd, max(65536, min(n - len(self.buf), 1 << 20)))
            if not chunk:
                return False
            self.buf += chunk
        return True

    def _take(self, n):
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    def read(self):
        """The next frame's body as bytes, or None at end of input."""
        if not self._fill(_HEADER.size):
            return None
        (size,) = _HEADER.unpack(self._take(_HEADER.size))
        if size > MAX_FRAME:
            raise FrameTooLarge("frame of %d bytes exceeds the %d byte limit" % (size, MAX_FRAME))
        if not self._fill(size):
            return None
        return self._take(size)


def _jsonable(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def write_frame(fd, obj):
    body = json.dumps(obj, separators=(",", ":"), default=_jsonable).encode("ascii")
    if len(body) > MAX_FRAME:
        obj = {"id": obj.get("id"), "ok": False,
               "error": {"type": "frame_too_large", "msg": "response of %d bytes is too large" % len(body)}}
        body = json.dumps(obj).encode("ascii")
    view = memoryview(_HEADER.pack(len(body)) + body)
    while view:
        written = os.write(fd, view)
        view = view[written:]


# --- stopping a request's processes -----------------------------------------

def _process_table():
    """{pid: (ppid, pgid, sid, state)} of every process we can see in /proc."""
    table = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return table
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        fields = data[data.rfind(b")") + 2:].split()  # the command name may hold spaces
        if len(fields) >= 4:
            table[int(name)] = (int(fields[1]), int(fields[2]), int(fields[3]), fields[0])
    return table


class ProcessTree(object):
    """What a running request started: the agent's descendants, their process groups
    and sessions (commands run in sessions of their own, so what they leave behind
    after their parent died is still found), never the agent's own group or session."""

    def __init__(self, root):
        self.root = root
        self.own = (os.getpgid(0), os.getsid(0))
        self.groups = set()
        self.sessions = set()

    def members(self, table):
        """The live members in ``table``; the groups and sessions seen are remembered,
        so what outlives its parent is still found on the next look."""
        children = {}
        for pid, row in table.items():
            children.setdefault(row[0], []).append(pid)
        found, todo = set(), [self.root]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        for pid in found:
            _ppid, pgid, sid, _state = table[pid]
            if pgid != self.own[0]:
                self.groups.add(pgid)
            if sid != self.own[1]:
                self.sessions.add(sid)
        for pid, (_ppid, pgid, sid, _state) in table.items():
            if pgid in self.groups or sid in self.sessions:
                found.add(pid)
        found.discard(self.root)
        return set(pid for pid in found if table[pid][3] != b"Z")

    def signal(self, signum):
        """Send signum to every member; True if there was any."""
        members = self.members(_process_table())
        for group in self.groups:
            try:
                os.killpg(group, signum)
            except OSError:
                pass
        for pid in members:
            try:
                os.kill(pid, signum)
            except OSError:
                pass
        return bool(members)

    def stop(self, grace=STOP_GRACE):
        """SIGTERM, then SIGKILL for whatever is still there after ``grace`` seconds."""
        if not self.signal(signal.SIGTERM):
            return
        deadline = time.time() + grace
        while time.time() < deadline:
            time.sleep(0.02)
            if not self.members(_process_table()):
                return
        self.signal(signal.SIGKILL)


# --- synthetic corral package -----------------------------------------------

def install_api(api_code):
    """Make ``from corral.modules._api import ...`` work inside the agent.

    ``api_code`` is the module's compiled code, or its source."""
    corral = types.ModuleType("corral")
    corral.__path__ = []  # a package, so submodules resolve
    modules = types.ModuleType("corral.modules")
    modules.__path__ = []
    api = types.ModuleType("corral.modules._api")
    api.__file__ = "<corral.modules._api>"
    sys.modules["corral"] = corral
    sys.modules["corral.modules"] = modules
    sys.modules["corral.modules._api"] = api
    corral.modules = modules
    modules._api = api
    if not isinstance(api_code, types.CodeType):
        api_code = compile(api_code, api.__file__, "exec")
    exec(api_code, api.__dict__)
    return api


# --- the agent --------------------------------------------------------------

class Transfer(object):
    """One file being streamed into the staging directory."""

    def __init__(self, staging):
        import hashlib
        import tempfile
        self.hasher = hashlib.sha256()
        self.size = 0
        self.error = None
        self.path = None
        self.handle = None
        try:
            fd, self.path = tempfile.mkstemp(prefix="put-", dir=staging)
            self.handle = os.fdopen(fd, "wb")
        except OSError as exc:
            self.error = "%s: %s" % (type(exc).__name__, exc)

    def write(self, data):
        if self.error is None:
            self.handle.write(data)
            self.hasher.update(data)
            self.size += len(data)

    def discard(self):
        if self.handle is not None:
            self.handle.close()
        if self.path is not None and os.path.exists(self.path):
            os.unlink(self.path)


class CodeCache(object):
    """Compiled module code kept on the host between runs, keyed by source sha256.

    Lives in ~/.cache/corral/modules/<python cache tag>, private to the user
    (0700, owned by us; anything else disables it). It saves compiling the
    modules on every run and lets the controller skip sending their source:
    the hello frame lists what is cached. It is corral's own state, not
    managed state, so it is also written in check mode (like Ansible's
    ~/.ansible/tmp).
    """

    LIMIT = 400

    def __init__(self):
        self.folder = None
        try:
            folder = os.path.join(os.path.expanduser("~"), ".cache", "corral", "modules",
                                  sys.implementation.cache_tag or "python")
            if not os.path.isdir(folder):
                os.makedirs(folder, 0o700)
            info = os.stat(folder)
            if info.st_uid == os.getuid() and not info.st_mode & 0o022:
                self.folder = folder
        except (OSError, KeyError):
            self.folder = None

    def shas(self):
        if self.folder is None:
            return []
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        return [n[:-5] for n in names if n.endswith(".code") and len(n) == 69][:self.LIMIT]

    def load(self, sha):
        if self.folder is None:
            return None
        try:
            with open(os.path.join(self.folder, sha + ".code"), "rb") as handle:
                return marshal.loads(handle.read())
        except (OSError, ValueError, EOFError, TypeError):
            return None

    def store(self, sha, code):
        if self.folder is None:
            return
        import tempfile
        path = os.path.join(self.folder, sha + ".code")
        try:
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps(code))
            os.rename(tmp, path)
        except OSError:
            pass


class Agent(object):
    def __init__(self, api, in_fd, out_fd):
        self.api = api
        self.reader = FrameReader(in_fd)
        self.out_fd = out_fd
        self.staging = make_staging()
        self.code_cache = CodeCache()
        self.modules = {}
        self.site_added = False
        self.transfers = {}
        self.running = True
        self.inbox = queue.Queue()  # request bodies, in order; None at end of input
        self.guard = threading.Lock()  # the fields below, shared with the reader
        self.busy = False  # a request is being answered
        self.current = None  # its id
        self.cancelled = False  # ... and it was cancelled
        self.last_started = 0  # the highest request id started so far
        self.cancels = set()  # ids cancelled while still queued: they never start
        self.idle = threading.Event()
        self.idle.set()
        self.input_closed = threading.Event()

    def hello(self):
        try:
            user = pwd.getpwuid(os.getuid()).pw_name
        except KeyError:
            user = str(os.getuid())
        return {"op": "hello", "protocol": PROTOCOL, "python": list(sys.version_info[:3]),
                "pid": os.getpid(), "uid": os.getuid(), "user": user, "staging": self.staging,
                "cached": self.code_cache.shas()}

    def serve(self):
        write_frame(self.out_fd, self.hello())
        reader = threading.Thread(target=self.read_loop, name="corral-agent-reader")
        reader.daemon = True
        reader.start()
        try:
            while self.running:
                body = self.inbox.get()
                if isinstance(body, FrameTooLarge):
                    write_frame(self.out_fd, {"id": None, "ok": False,
                                              "error": {"type": "frame_too_large", "msg": str(body)}})
                    return 2
                if body is None or self.input_closed.is_set():
                    return 0
                self.handle(body)
        except Terminated:
            ProcessTree(os.getpid()).stop()
            raise
        return 0

    # --- the reader thread: requests in order, cancel and end of input at once ----

    def read_loop(self):
        try:
            while True:
                body = self.reader.read()
                if body is None:
                    break
                if not self.out_of_band(body):
                    self.inbox.put(body)
        except FrameTooLarge as exc:
            self.inbox.put(exc)  # the stream cannot be trusted any more
        except OSError:
            pass
        self.inbox.put(None)
        self.input_ended()

    def out_of_band(self, body):
        """Handle a ``cancel`` frame here, at once; False for every other frame."""
        if len(body) > 256 or b'"cancel"' not in body:
            return False
        try:
            request = json.loads(body.decode("utf-8"))
        except ValueError:
            return False
        if not isinstance(request, dict) or request.get("op") != "cancel":
            return False
        self.cancel(request.get("target"))
        return True

    def cancel(self, target=None):
        """Stop the running request (only ``target`` if given) and everything it started;
        a ``target`` still queued never starts."""
        with self.guard:
            if self.busy and target in (None, self.current):
                self.cancelled = True
            elif isinstance(target, int) and target > self.last_started:
                self.cancels.add(target)
                return
            else:
                return  # it has already been answered
        ProcessTree(os.getpid()).stop()

    def input_ended(self):
        """The controller is gone (or hung up): stop, clean up and exit, even mid-module."""
        with self.guard:
            self.input_closed.set()  # nothing starts from now on
        self.cancel()
        if not self.idle.wait(EOF_GRACE):  # a module busy in Python code: leave anyway
            self.cleanup()
            os._exit(3)

    # --- requests ---------------------------------------------------------------

    def handle(self, body):
        """Answer one request; requests without an id (put_begin/put_chunk) get no reply."""
        rid = None
        parsed = False
        try:
            request = json.loads(body.decode("utf-8"))
            if not isinstance(request, dict):
                raise RequestError("bad_request", "a request must be a JSON object")
            rid = request.get("id")
            parsed = True
            result = self.answer(rid, request)
        except (KeyboardInterrupt, Terminated):
            raise
        except BaseException as exc:  # the agent survives every request, even sys.exit()
            if rid is not None or not parsed:
                self.reply(rid, error=_describe_error(exc))
        else:
            if rid is not None:
                self.reply(rid, result=result)

    def answer(self, rid, request):
        """Dispatch one request; a cancelled one fails with type ``cancelled``."""
        with self.guard:
            if self.input_closed.is_set() or rid in self.cancels:
                self.cancels.discard(rid)
                raise RequestError("cancelled", "the controller cancelled this request before "
                                   "it started")
            self.busy, self.current, self.cancelled = True, rid, False
            if isinstance(rid, int):
                self.last_started = max(self.last_started, rid)
            self.idle.clear()
        try:
            result = self.dispatch(request)
        finally:
            with self.guard:
                cancelled, self.busy, self.current = self.cancelled, False, None
                self.idle.set()
            if cancelled:
                raise RequestError("cancelled", "the controller cancelled this request; what it "
                                   "started was stopped")
        return result

    def reply(self, rid, result=None, error=None):
        if error is not None:
            write_frame(self.out_fd, {"id": rid, "ok": False, "error": error})
        else:
            write_frame(self.out_fd, {"id": rid, "ok": True, "result": result})

    def dispatch(self, request):
        op = request.get("op")
        handler = getattr(self, "op_" + str(op), None)
        if handler is None:
            raise RequestError("unknown_op", "unknown operation %r" % (op,))
        return handler(request)

    # --- operations ---------------------------------------------------------

    def op_ping(self, request):
        return {"pong": True, "time": time.time()}

    def op_exit(self, request):
        self.running = False
        return {"bye": True}

    def op_run(self, request):
        if request.get("site"):
            self.enable_site()
        for support in request.get("requires") or ():
            self.load_module(support["name"], support["sha"], support.get("source"))
        module = self.load_module(request["module"], request["sha"], request.get("source"))
        ctx = self.api.Context(check=bool(request.get("check")), diff=bool(request.get("diff")),
                               tmpdir=self.staging, staged=request.get("staged") or {})
        saved = self.set_environment(request.get("environment") or {})
        try:
            if request.get("job") is not None:  # async/timeout: see modules/_jobs.py
                return sys.modules["corral.modules._jobs"].start(
                    request["job"], lambda: self.api.run_module(module, request.get("args") or {}, ctx),
                    (self.reader.fd, self.out_fd))
            return self.api.run_module(module, request.get("args") or {}, ctx)
        except SystemExit as exc:
            return {"status": "failed", "diff": None, "changes": [], "data": {},
                    "msg": "module %s tried to exit the agent (exit code %r); a module must "
                           "return or raise ModuleError" % (request["module"], exc.code)}
        finally:
            self.set_environment(saved)

    def enable_site(self):
        """Add the host's site-packages folders to sys.path, as a start without -S would.

        The loader starts Python with -S: corral's built-in modules need only the
        stdlib. A user's module may import what the host installed (python3-apt,
        yaml...), so the controller asks for this before one runs. -I still keeps
        the user's own site-packages out."""
        if sys.flags.no_site and not self.site_added:
            self.site_added = True
            import site
            site.main()

    def set_environment(self, values):
        """Apply a task's ``environment`` for one module run; returns what to restore."""
        saved = {}
        for key, value in values.items():
            saved[key] = os.environ.get(key)
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = str(value)
        return saved

    def load_module(self, name, sha, source):
        key = (name, sha)
        cached = self.modules.get(key)
        if cached is not None:
            return cached
        code = self.code_cache.load(sha) if source is None else None
        if code is None:
            if source is None:
                raise RequestError("need_source", "module %s (%s) is not cached; send its source" % (name, sha[:12]))
            import hashlib
            text = zlib.decompress(binascii.a2b_base64(source))
            if hashlib.sha256(text).hexdigest() != sha:
                raise RequestError("bad_source", "module %s: source does not match its sha256" % name)
            try:
                code = compile(text, "<corral module %s>" % name, "exec")
            except SyntaxError as exc:
                raise RequestError("module_load", "module %s could not be loaded: SyntaxError: %s" % (name, exc)) from exc
            self.code_cache.store(sha, code)
        # Registered as corral.modules.NAME, never as a bare NAME that could shadow the
        # stdlib (copy, file...); dataclasses need the entry in sys.modules.
        qualified = "corral.modules." + name
        module = types.ModuleType(qualified)
        module.__file__ = "<corral module %s>" % name
        sys.modules[qualified] = module
        try:
            exec(code, module.__dict__)
        except Exception as exc:
            sys.modules.pop(qualified, None)
            raise RequestError("module_load", "module %s could not be loaded: %s: %s" % (
                name, type(exc).__name__, exc)) from exc
        self.modules[key] = module
        return module

    def op_put_begin(self, request):
        self.transfers[request["put"]] = Transfer(self.staging)

    def op_put_chunk(self, request):
        transfer = self.transfers.get(request["put"])
        if transfer is None or transfer.error is not None:
            return None
        try:
            transfer.write(binascii.a2b_base64(request["data"]))
        except Exception as exc:
            transfer.error = "%s: %s" % (type(exc).__name__, exc)

    def op_put_end(self, request):
        transfer = self.transfers.pop(request["put"], None)
        if transfer is None:
            raise RequestError("put_failed", "no transfer %r in progress" % (request["put"],))
        if transfer.error is not None:
            transfer.discard()
            raise RequestError("put_failed", "staging the file failed: %s" % transfer.error)
        transfer.handle.close()
        digest = transfer.hasher.hexdigest()
        if digest != request.get("sha256"):
            transfer.discard()
            raise RequestError("put_failed", "staged file sha256 %s does not match %s" % (
                digest, request.get("sha256")))
        return {"path": transfer.path, "sha256": digest, "size": transfer.size}

    def cleanup(self):
        for transfer in list(self.transfers.values()):
            try:
                transfer.discard()
            except (OSError, ValueError):
                pass  # the other thread got there first
        try:
            os.rmdir(self.staging)
        except OSError:
            import shutil
            shutil.rmtree(self.staging, ignore_errors=True)


def make_staging():
    """A new private folder (0700), as ``tempfile.mkdtemp`` makes it, without
    importing tempfile (and random, shutil, bz2, lzma): about 3 ms per run."""
    root = None
    for name in ("TMPDIR", "TEMP", "TMP"):
        root = os.environ.get(name)
        if root:
            break
    for _ in range(8):
        path = os.path.join(root or "/tmp", "corral-agent-" + binascii.hexlify(os.urandom(6)).decode())
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue
        except OSError:
            break
        return os.path.abspath(path)
    import tempfile  # an unusual temporary folder: let tempfile find a usable one
    return tempfile.mkdtemp(prefix="corral-agent-")


def _describe_error(exc):
    if isinstance(exc, RequestError):
        return {"type": exc.kind, "msg": exc.msg}
    import traceback
    kind = "bad_request" if isinstance(exc, (ValueError, KeyError, TypeError)) else "internal"
    return {"type": kind, "msg": "%s: %s" % (type(exc).__name__, exc), "traceback": traceback.format_exc()}


def _on_signal(signum, frame):
    raise Terminated(128 + signum)


def _claim_stdio():
    """Keep the frame channel to ourselves; return (in_fd, out_fd).

    Modules and the processes they start get /dev/null as stdin and our
    stderr as stdout, so nothing they do can read or corrupt a frame.
    """
    in_fd = os.dup(0)
    out_fd = os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    sys.stdin = open(os.devnull, "r")
    sys.stdout = sys.stderr
    return in_fd, out_fd


def _enter_start_folder():
    """Run modules in the folder the login (or sudo) left us in, as Ansible does.

    The loader started Python isolated (-I) in "/" and passed that folder as
    argv[1]; with -I no import looks in the working directory, so going back
    there after start-up cannot make the agent import a file found there.
    A folder the agent's user may not enter leaves it in "/".
    """
    if len(sys.argv) > 1 and sys.argv[1]:
        try:
            os.chdir(sys.argv[1])
        except OSError:
            pass


def main(api_code):
    in_fd, out_fd = _claim_stdio()
    _enter_start_folder()
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)
    agent = Agent(install_api(api_code), in_fd, out_fd)
    code = 0
    try:
        code = agent.serve()
    except Terminated as exc:
        code = exc.args[0]
    except KeyboardInterrupt:
        code = 130
    except OSError:
        code = 3  # the frame channel broke (EPIPE)
    finally:
        agent.cleanup()
    sys.stderr.flush()
    os._exit(code)
