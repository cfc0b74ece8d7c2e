"""Run the commands of the service and user modules (systemctl, init scripts, useradd...).

Stdlib only, Python 3.8 syntax. Output goes to temporary files, not pipes: a
daemon started by an init script inherits the command's stdout and stderr,
and reading pipes to their end would wait for the daemon to exit. Commands run
in a new session with stdin from /dev/null (the agent's stdin is its channel
to the controller), so what they start is never tied to the agent.
"""

import shlex
import subprocess
import tempfile

from corral.modules._api import ModuleError

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import IO, Any, Dict, List, Optional, Sequence  # noqa: F401 (type comments)


class Ran(object):
    """A finished command: argv, exit code, and its output as text."""

    def __init__(self, argv, rc, out, err):
        # type: (Sequence[str], int, str, str) -> None
        self.argv = list(argv)
        self.rc = rc
        self.out = out
        self.err = err

    @property
    def shown(self):
        # type: () -> str
        return shown(self.argv)

    def output(self):
        # type: () -> str
        """stderr and stdout together, stripped, for an error message."""
        return "\n".join(t for t in (self.err.strip(), self.out.strip()) if t)


def shown(argv):
    # type: (Sequence[str]) -> str
    return " ".join(shlex.quote(a) for a in argv)


def run(argv, stdin_text=None):
    # type: (Sequence[str], Optional[str]) -> Ran
    """Run ``argv`` to its exit; a missing program is a ModuleError."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.run(list(argv), stdout=out, stderr=err, start_new_session=True,
                                  **_stdin(stdin_text))
        except OSError as exc:
            raise ModuleError("%s: %s" % (argv[0], exc.strerror or exc), cmd=shown(argv)) from exc
        return Ran(argv, proc.returncode, _read(out), _read(err))


def _stdin(text):
    # type: (Optional[str]) -> Dict[str, Any]
    if text is None:
        return {"stdin": subprocess.DEVNULL}
    return {"input": text.encode("utf-8")}


def _read(handle):
    # type: (IO[bytes]) -> str
    handle.seek(0)
    return str(handle.read().decode("utf-8", "replace"))


def run_ok(argv, doing, stdin_text=None):
    # type: (Sequence[str], str, Optional[str]) -> Ran
    """Run ``argv``; a non-zero exit is a ModuleError saying what we were ``doing``."""
    ran = run(argv, stdin_text)
    if ran.rc != 0:
        raise ModuleError(failure_message(ran, doing), rc=ran.rc, cmd=ran.shown,
                          stdout=ran.out, stderr=ran.err)
    return ran


def failure_message(ran, doing):
    # type: (Ran, str) -> str
    text = ran.output()
    return "%s failed: `%s` exited %d%s" % (doing, ran.shown, ran.rc, ":\n" + text if text else "")
