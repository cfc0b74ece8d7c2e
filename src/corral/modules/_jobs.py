"""Background jobs on the host: ``async`` tasks and task ``timeout`` (stdlib, Python 3.8).

The agent calls ``start`` for a ``run`` request that carries ``job`` settings,
with a callable that runs the module. ``start`` forks and returns the job id
at once, so the agent's channel is free again. The forked side detaches
(new session, stdio on /dev/null, the frame channel closed) and becomes a
watcher: it forks the worker, which runs the module and writes its result to
the job file, and it kills the worker's process group when the time limit
passes, writing the failure instead. ``async_status`` reads the job file.
Job files live in ``~/.corral_async`` (mode 0700), one JSON file per job.
"""

import json
import os
import re
import signal
import tempfile
import time

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Callable, Dict, Iterable, List  # noqa: F401 (type comments)

JOB_DIR = "~/.corral_async"
_JID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def job_path(jid):
    # type: (str) -> str
    """The job file of ``jid`` (a job id is a plain word: it names a file)."""
    if not _JID.match(str(jid)):
        raise ValueError("invalid job id %r" % (jid,))
    return os.path.join(os.path.expanduser(JOB_DIR), str(jid))


def read_job(jid):
    # type: (str) -> Dict[str, Any]
    with open(job_path(jid), "r") as handle:
        data = json.load(handle)
    return data if isinstance(data, dict) else {}


def write_job(path, data):
    # type: (str, Dict[str, Any]) -> None
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".job-")
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, default=str)
    os.rename(tmp, path)


def start(job, run, channel_fds):
    # type: (Dict[str, Any], Callable[[], Dict[str, Any]], Iterable[int]) -> Dict[str, Any]
    """Start ``run`` in the background; the result says where to find it."""
    jid = str(job["jid"])
    path = job_path(jid)
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder, 0o700, exist_ok=True)
    header = {"ansible_job_id": jid, "started": True, "finished": False, "results_file": path}
    write_job(path, header)
    first = os.fork()
    if first == 0:
        _detach(channel_fds)
        if os.fork() == 0:
            _watch(path, header, float(job["timeout"]), str(job.get("timeout_msg") or ""), run)
        os._exit(0)
    os.waitpid(first, 0)  # it forks the watcher and exits at once: no zombie
    return {"status": "ok", "msg": "started job %s" % jid, "diff": None, "changes": [],
            "data": dict(header)}


def _detach(channel_fds):
    # type: (Iterable[int]) -> None
    for fd in channel_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.setsid()


def _watch(path, header, limit, timeout_msg, run):
    # type: (str, Dict[str, Any], float, str, Callable[[], Dict[str, Any]]) -> None
    """The watcher: run the worker, kill it at ``limit`` seconds."""
    worker = os.fork()
    if worker == 0:
        os.setpgid(0, 0)
        _work(path, header, run)
    deadline = time.monotonic() + limit
    while True:
        done, _ = os.waitpid(worker, os.WNOHANG)
        if done:
            os._exit(0)
        if time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    for pid in [worker] + _descendants(worker):  # a child may have its own session
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.killpg(worker, signal.SIGKILL)
    except OSError:
        pass
    os.waitpid(worker, 0)
    msg = timeout_msg or "Timeout exceeded"
    failed = {"status": "failed", "msg": msg, "diff": None, "changes": [],
              "data": {"timedout": {"period": int(limit) if limit == int(limit) else limit}}}  # type: Dict[str, Any]
    write_job(path, dict(header, finished=True, result=failed))
    os._exit(0)


def _descendants(root):
    # type: (int) -> List[int]
    """Every process below ``root`` (from /proc; empty where there is none)."""
    parents = {}  # type: Dict[int, int]
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "r") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parents[int(name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    found = []  # type: List[int]
    frontier = [root]
    while frontier:
        current = frontier.pop()
        children = [pid for pid, parent in parents.items() if parent == current]
        found.extend(children)
        frontier.extend(children)
    return found


def _work(path, header, run):
    # type: (str, Dict[str, Any], Callable[[], Dict[str, Any]]) -> None
    try:
        result = run()
    except BaseException as exc:  # the job file must say what happened
        result = {"status": "failed", "msg": "%s: %s" % (type(exc).__name__, exc), "diff": None,
                  "changes": [], "data": {}}
    try:
        write_job(path, dict(header, finished=True, result=result))
    finally:
        os._exit(0)
