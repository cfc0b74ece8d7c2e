"""The user module's shadow attributes (expiry, password ageing, lock) and SSH key.

Stdlib only, Python 3.8 syntax. ``plan_*`` functions are pure: from the
arguments and the current /etc/shadow fields they return the changes and
the commands (``chage``, ``usermod -e/-L/-U``) that make them; the SSH key is
made in ``apply`` (``make_ssh_key``), once the home directory is known.
"""

import datetime
import os
import subprocess

from corral.modules._api import Arg, Change, ModuleError

try:  # typing only
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401 (type comments)
except ImportError:  # pragma: no cover
    pass

ARGS = {
    "expires": Arg(float, doc="When the account expires, in seconds since the epoch; -1: "
                              "never."),
    "password_expire_max": Arg(int, doc="Maximum days between password changes (chage -M)."),
    "password_expire_min": Arg(int, doc="Minimum days between password changes (chage -m)."),
    "password_expire_warn": Arg(int, doc="Days of warning before the password expires "
                                         "(chage -W)."),
    "password_lock": Arg(bool, doc="Lock (yes) or unlock (no) the password (usermod -L/-U)."),
    "generate_ssh_key": Arg(bool, default=False,
                            doc="Create an SSH key pair for the user if ssh_key_file does "
                                "not exist (an existing key is never replaced)."),
    "ssh_key_bits": Arg(int, doc="Bits of the new key (ssh-keygen's default for the type)."),
    "ssh_key_type": Arg(str, default="rsa", doc="Type of the new key (ssh-keygen -t)."),
    "ssh_key_file": Arg("path", doc="Path of the private key; relative: in the home "
                                    "directory. Default .ssh/id_TYPE (id_rsa)."),
    "ssh_key_comment": Arg(str, doc="Comment of the new key; default ansible-generated on "
                                    "HOSTNAME."),
    "ssh_key_passphrase": Arg(str, no_log=True, doc="Passphrase of the new key (none by "
                                                    "default)."),
}

SHADOW_USED = ("expires", "password_expire_max", "password_expire_min", "password_expire_warn",
               "password_lock")
_AGEING = (("password_expire_min", 3, "-m"), ("password_expire_max", 4, "-M"),
           ("password_expire_warn", 5, "-W"))
_EXPIRE_FIELD = 7
Step = Tuple[List[str], Optional[str]]


def needs_shadow(args):
    # type: (Mapping[str, Any]) -> bool
    return any(args.get(k) is not None for k in SHADOW_USED)


def shadow_fields(text, name):
    # type: (Optional[str], str) -> Optional[List[str]]
    """The /etc/shadow fields of ``name`` (9 of them), or None."""
    for line in (text or "").splitlines():
        fields = line.split(":")
        if fields[0] == name and len(fields) >= 8:
            return (fields + [""] * 9)[:9]
    return None


def _int(text):
    # type: (str) -> Optional[int]
    return int(text) if text.strip().lstrip("-").isdigit() else None


def expiry_date(expires):
    # type: (float) -> Optional[str]
    """YYYY-MM-DD for usermod -e, or None for "never" (a negative value)."""
    if expires < 0:
        return None
    day = datetime.date(1970, 1, 1) + datetime.timedelta(seconds=expires)
    return day.strftime("%Y-%m-%d")


def plan_shadow(name, args, fields):
    # type: (str, Mapping[str, Any], Optional[List[str]]) -> Tuple[List[Change], List[Step]]
    """Expiry, ageing and lock: what differs from ``fields`` (None: a new user)."""
    changes, steps = [], []  # type: List[Change], List[Step]
    chage = []  # type: List[str]
    for arg, index, option in _AGEING:
        wanted = args.get(arg)
        have = _int(fields[index]) if fields else None
        if wanted is not None and wanted != have:
            changes.append(Change(arg, have, wanted))
            chage += [option, str(wanted)]
    if chage:
        steps.append((["chage"] + chage + [name], None))
    if args.get("expires") is not None:
        wanted_day = expiry_date(float(args["expires"]))
        have_days = _int(fields[_EXPIRE_FIELD]) if fields else None
        have_day = None if have_days is None or have_days < 0 else (
            datetime.date(1970, 1, 1) + datetime.timedelta(days=have_days)).isoformat()
        if wanted_day != have_day:
            changes.append(Change("expires", have_day or "never", wanted_day or "never"))
            steps.append((["usermod", "-e", wanted_day or "", name], None))
    lock = args.get("password_lock")
    if lock is not None:
        locked = bool(fields and fields[1].startswith("!"))
        if fields is None and not lock:
            pass  # a new account: nothing to unlock
        elif lock != locked:
            changes.append(Change("password_lock", locked, lock))
            steps.append((["usermod", "-L" if lock else "-U", name], None))
    return changes, steps


# --- SSH key ---------------------------------------------------------------------------

def ssh_key_path(args, home):
    # type: (Mapping[str, Any], str) -> str
    path = args.get("ssh_key_file") or os.path.join(".ssh", "id_%s" % (args.get("ssh_key_type") or "rsa"))
    return path if os.path.isabs(path) else os.path.join(home, path)


def plan_ssh_key(args, home):
    # type: (Mapping[str, Any], Optional[str]) -> List[Change]
    """A key to make: the user is new (``home`` None) or its key file is missing."""
    if not args.get("generate_ssh_key"):
        return []
    if home is not None and os.path.exists(ssh_key_path(args, home)):
        return []
    shown = ssh_key_path(args, home if home is not None else "~")
    return [Change("ssh_key", None, shown)]


def ssh_key_data(path):
    # type: (str) -> Dict[str, Any]
    """Ansible's keys for the key at ``path``: ssh_key_file, ssh_public_key, ssh_fingerprint."""
    data = {"ssh_key_file": path}  # type: Dict[str, Any]
    try:
        with open(path + ".pub") as handle:
            data["ssh_public_key"] = handle.read().strip()
    except OSError:
        return data
    done = _run(["ssh-keygen", "-l", "-f", path + ".pub"])
    data["ssh_fingerprint"] = done.stdout.decode("utf-8", "replace").strip()
    return data


def make_ssh_key(name, args, home, uid, gid):
    # type: (str, Mapping[str, Any], str, int, int) -> Dict[str, Any]
    """Make the key (and its .ssh folder) owned by the user, unless it exists."""
    path = ssh_key_path(args, home)
    if not os.path.exists(path):
        folder = os.path.dirname(path)
        if not os.path.isdir(folder):
            os.makedirs(folder, 0o700, exist_ok=True)
            os.chown(folder, uid, gid)
        comment = args.get("ssh_key_comment") or "ansible-generated on %s" % os.uname()[1]
        argv = ["ssh-keygen", "-q", "-t", str(args.get("ssh_key_type") or "rsa"), "-C", comment,
                "-N", args.get("ssh_key_passphrase") or "", "-f", path]
        if args.get("ssh_key_bits"):
            argv[3:3] = ["-b", str(args["ssh_key_bits"])]
        done = _run(argv)
        if done.returncode != 0:
            raise ModuleError("ssh-keygen for %s failed (rc=%d): %s" % (
                name, done.returncode, done.stderr.decode("utf-8", "replace").strip()))
        for made in (path, path + ".pub"):
            os.chown(made, uid, gid)
    return ssh_key_data(path)


def _run(argv):
    # type: (List[str]) -> Any
    try:
        return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=120)
    except OSError as exc:
        raise ModuleError("%s: %s (is OpenSSH's client installed?)" % (argv[0], exc)) from exc
