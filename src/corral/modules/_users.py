"""Local users and groups for ``user`` and ``group``: read the databases, build the commands.

Stdlib only, Python 3.8 syntax. State is read from /etc/passwd, /etc/group and
/etc/shadow directly (the local files useradd and groupadd write; ``spwd`` is
gone in Python 3.13 and NSS could answer for LDAP users we cannot manage).
Changes go through useradd/usermod/userdel, groupadd/groupmod/groupdel, and a
password hash through ``chpasswd -e`` on stdin, so it never shows in ``ps``.
"""

import re

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional  # noqa: F401 (type comments)

PASSWD = "/etc/passwd"
GROUP = "/etc/group"
SHADOW = "/etc/shadow"
# a crypt(3) hash ($id$...), a 13-character DES hash, or a locked/empty marker (!, *, !hash)
_HASH = re.compile(r"^(!*(\$[0-9a-zA-Z]+\$.+|[./0-9A-Za-z]{13})|[!*].*|)$")


# --- reading -----------------------------------------------------------------------

def read_text(path):
    # type: (str) -> Optional[str]
    """The file's text, or None when it cannot be read (no /etc/shadow access as a user)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def _records(text, fields):
    # type: (Optional[str], int) -> List[List[str]]
    rows = []
    for line in (text or "").splitlines():
        if not line.strip() or line.startswith(("#", "+", "-")):
            continue  # comments and NIS compat entries are not local users
        parts = line.split(":")
        if len(parts) >= fields:
            rows.append(parts)
    return rows


def parse_passwd(text):
    # type: (Optional[str]) -> Dict[str, Dict[str, Any]]
    users = {}  # type: Dict[str, Dict[str, Any]]
    for name, _pw, uid, gid, comment, home, shell in (r[:7] for r in _records(text, 7)):
        if uid.isdigit() and gid.isdigit() and name not in users:
            users[name] = {"name": name, "uid": int(uid), "gid": int(gid), "comment": comment,
                           "home": home, "shell": shell}
    return users


def parse_group(text):
    # type: (Optional[str]) -> Dict[str, Dict[str, Any]]
    groups = {}  # type: Dict[str, Dict[str, Any]]
    for name, _pw, gid, members in (r[:4] for r in _records(text, 4)):
        if gid.isdigit() and name not in groups:
            groups[name] = {"name": name, "gid": int(gid),
                            "members": [m for m in members.strip().split(",") if m]}
    return groups


def parse_shadow(text):
    # type: (Optional[str]) -> Dict[str, str]
    return dict((r[0], r[1]) for r in _records(text, 2))


def group_name(groups, gid):
    # type: (Mapping[str, Dict[str, Any]], int) -> str
    for entry in groups.values():
        if entry["gid"] == gid:
            return str(entry["name"])
    return str(gid)


def resolve_group(groups, value):
    # type: (Mapping[str, Dict[str, Any]], str) -> Optional[Dict[str, Any]]
    """A group by name, or by number when no group has that name."""
    if value in groups:
        return dict(groups[value])
    if value.isdigit():
        for entry in groups.values():
            if entry["gid"] == int(value):
                return dict(entry)
    return None


def supplementary(groups, user, primary_gid):
    # type: (Mapping[str, Dict[str, Any]], str, int) -> List[str]
    """The groups listing ``user`` as a member, without its primary group."""
    return sorted(g["name"] for g in groups.values()
                  if user in g["members"] and g["gid"] != primary_gid)


def looks_hashed(password):
    # type: (str) -> bool
    return bool(_HASH.match(password))


# --- commands ----------------------------------------------------------------------

# user argument -> (useradd/usermod option), in the order the options are written
USER_OPTIONS = (("uid", "-u"), ("group", "-g"), ("groups", "-G"), ("shell", "-s"),
                ("home", "-d"), ("comment", "-c"))


def useradd_argv(name, wanted, create_home, system):
    # type: (str, Mapping[str, Any], bool, bool) -> List[str]
    """``wanted``: the attributes to set (uid, group, groups as a list, shell, home, comment)."""
    argv = ["useradd"]
    for key, option in USER_OPTIONS:
        if wanted.get(key) is not None:
            argv += [option, _option_value(wanted[key])]
    argv.append("-m" if create_home else "-M")
    if system:
        argv.append("-r")
    return argv + [name]


def usermod_argv(name, changed, append=False):
    # type: (str, Mapping[str, Any], bool) -> List[str]
    """``changed``: only the attributes to change; with append, groups are added (-a -G)."""
    argv = ["usermod"]
    for key, option in USER_OPTIONS:
        if key in changed:
            if key == "groups" and append:
                argv.append("-a")
            argv += [option, _option_value(changed[key])]
    return argv + [name]


def userdel_argv(name, remove, force):
    # type: (str, bool, bool) -> List[str]
    return ["userdel"] + (["-r"] if remove else []) + (["-f"] if force else []) + [name]


def chpasswd_input(name, password):
    # type: (str, str) -> str
    """stdin for ``chpasswd -e``: the hash as it is, never on a command line."""
    return "%s:%s\n" % (name, password)


CHPASSWD_ARGV = ["chpasswd", "-e"]


def groupadd_argv(name, gid, system):
    # type: (str, Optional[int], bool) -> List[str]
    return ["groupadd"] + (["-g", str(gid)] if gid is not None else []) + (
        ["-r"] if system else []) + [name]


def groupmod_argv(name, gid):
    # type: (str, int) -> List[str]
    return ["groupmod", "-g", str(gid), name]


def groupdel_argv(name):
    # type: (str) -> List[str]
    return ["groupdel", name]


def _option_value(value):
    # type: (Any) -> str
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)
