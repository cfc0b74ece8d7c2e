"""Privilege escalation with sudo or su: the command wrapper and its failure messages."""

from __future__ import annotations

import re
import secrets
import shlex
from dataclasses import dataclass, field

from corral.errors import BecomeError

DEFAULT_BECOME_TIMEOUT = 10.0


@dataclass(frozen=True)
class Become:
    """How to escalate for one agent. The password is never put in argv or env."""

    user: str = "root"
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_BECOME_TIMEOUT
    marker: str = field(default_factory=lambda: f"[corral-sudo-{secrets.token_hex(8)}]")
    method: str = "sudo"  # or "su" (which reads the password from stdin when it is no tty)

    def wrap(self, command: str) -> str:
        """``command`` run as ``user`` through sudo (non-interactive without a password) or su."""
        if self.method == "su":
            return " ".join(shlex.quote(w) for w in ("su", "-s", "/bin/sh", self.user, "-c",
                                                     command))
        if self.password is None:
            flags = ["-H", "-n"]
        else:
            flags = ["-H", "-S", "-p", self.marker]
        words = ["sudo", *flags, "-u", self.user, "--"]
        return " ".join(shlex.quote(word) for word in words) + " " + command


# (what sudo or the shell says, what we tell the user); first match wins.
_SUDO_FAILURES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("incorrect password", "sorry, try again"),
     "sudo rejected the become password for {user}: wrong password"),
    (("a password is required", "password is required"),
     "sudo needs a password to become {user}: pass -K/--ask-become-pass"),
    (("must have a tty", "no tty present", "a terminal is required", "requiretty"),
     "sudo wants a terminal (requiretty) to become {user}: "
     "disable 'Defaults requiretty' for this user in sudoers"),
    (("sudo: not found", "sudo: command not found", "sudo: no such file"),
     "sudo is not installed on the host (needed to become {user})"),
    (("unknown user", "user not found"),
     "cannot become {user}: no such user on the host"),
    (("is not in the sudoers file", "is not allowed to execute", "not allowed to run sudo"),
     "the login user may not use sudo to become {user}"),
)


# su: (what it says, what we tell the user); first match wins.
_SU_FAILURES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("authentication failure", "incorrect password"),
     "su rejected the become password for {user}: wrong or missing password "
     "(set ansible_become_password or pass -K)"),
    (("does not exist", "unknown id", "no passwd entry"),
     "cannot become {user}: no such user on the host"),
    (("su: not found", "su: command not found"), "su is not installed on the host"),
    (("must be run from a terminal",),
     "su wants a terminal on this host; use become_method: sudo"),
)
# su's password prompt, in the languages it is most often seen in: "Password: ".
_SU_PROMPT = re.compile(r"(?i)(password|passwort|mot de passe|contrase\S*a|senha)[^\n]*[:：]\s*$")


def is_su_prompt(text: str) -> bool:
    """True when su's stderr so far ends with its password prompt."""
    return bool(_SU_PROMPT.search(text))


def classify_sudo_failure(stderr: str, become: Become) -> BecomeError | None:
    """A BecomeError naming what went wrong, if ``stderr`` shows a sudo (or su) failure."""
    lowered = stderr.lower()
    if become.method == "su":
        for needles, message in _SU_FAILURES:
            if any(needle in lowered for needle in needles):
                return BecomeError(message.format(user=become.user))
        return None
    for needles, message in _SUDO_FAILURES:
        if any(needle in lowered for needle in needles):
            return BecomeError(message.format(user=become.user))
    return None


def wrong_password(become: Become) -> BecomeError:
    return BecomeError(f"{become.method} rejected the become password for {become.user}: "
                       "wrong password")
