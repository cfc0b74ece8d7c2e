"""known_hosts: a host's SSH public key in a known_hosts file (hashed or not), or removed."""

import base64
import hashlib
import hmac
import os
import pwd

from corral.modules._api import Arg, ArgumentError, ModuleError
from corral.modules._textedit import apply_text, inspect_text, plan_text, split_lines

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional  # noqa: F401

DOC = "Add or remove a host's key in a known_hosts file (like ssh-keyscan >> known_hosts, but once)."
REQUIRES = ("_fileattrs", "_filecontent", "_textedit")

ARGS = {
    "name": Arg(str, required=True, aliases=("host",), doc="The host (name or address; "
                                                           "[host]:port for another port)."),
    "key": Arg(str, doc="The key line: 'host ssh-ed25519 AAAA…' (required with state=present)."),
    "path": Arg("path", doc="The file (default ~/.ssh/known_hosts of the running user)."),
    "hash_host": Arg(bool, default=False, doc="Write the host name hashed (|1|salt|hash)."),
    "state": Arg(str, default="present", choices=("present", "absent"), doc="present or absent."),
}
RETURNS = {"diff": "Before and after of the file.", "hash_host": "As given.", "key": "As given.",
           "name": "As given.", "path": "The file."}


def host_matches(field, name):
    # type: (str, str) -> bool
    """Whether a known_hosts host field (plain list or |1|salt|hash) names ``name``."""
    if field.startswith("|1|"):
        try:
            _, _, salt, digest = field.split("|")
            mac = hmac.new(base64.b64decode(salt), name.encode(), hashlib.sha1).digest()
            return hmac.compare_digest(base64.b64encode(mac).decode(), digest)
        except (ValueError, TypeError):
            return False
    return name.lower() in [h.lower() for h in field.split(",")]


def hashed(name):
    # type: (str) -> str
    salt = os.urandom(20)
    mac = hmac.new(salt, name.encode(), hashlib.sha1).digest()
    return "|1|%s|%s" % (base64.b64encode(salt).decode(), base64.b64encode(mac).decode())


def _key_parts(args):
    # type: (Mapping[str, Any]) -> Optional[List[str]]
    if args["key"] is None:
        return None
    parts = args["key"].split()
    if len(parts) < 3:
        raise ArgumentError("key must be 'HOST KEYTYPE BASE64…' as ssh-keyscan prints it")
    if not host_matches(parts[0], args["name"]):
        raise ArgumentError("Host parameter does not match hashed host field in supplied key"
                            if parts[0].startswith("|1|") else
                            "the key's host %r is not the name %r" % (parts[0], args["name"]))
    return parts


def _path(args):
    # type: (Mapping[str, Any]) -> str
    if args["path"]:
        return args["path"]
    return os.path.join(pwd.getpwuid(os.geteuid()).pw_dir, ".ssh", "known_hosts")


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if args["state"] == "present" and args["key"] is None:
        raise ArgumentError("state=present needs key")
    _key_parts(args)
    current = inspect_text({"path": _path(args), "mode": None, "owner": None, "group": None})
    return current


def edit_known_hosts(text, args):
    # type: (str, Mapping[str, Any]) -> str
    parts = _key_parts(args)
    lines = split_lines(text)
    kept, found = [], False
    for line in lines:
        fields = line.split()
        if line.startswith("#") or len(fields) < 3 or not host_matches(fields[0], args["name"]):
            kept.append(line)
            continue
        if args["state"] == "absent":
            continue
        if parts is not None and fields[1] == parts[1]:
            if fields[2] == parts[2] and not found:
                kept.append(line)
                found = True
            continue  # the same key type with another key: replaced below
        kept.append(line)
    if args["state"] == "present" and not found and parts is not None:
        host = hashed(args["name"]) if args["hash_host"] else parts[0]
        if kept and not kept[-1].endswith("\n"):
            kept[-1] += "\n"
        kept.append(" ".join([host] + parts[1:]) + "\n")
    return "".join(kept)


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Any
    path = _path(args)
    if current["text"] is None and args["state"] == "absent":
        from corral.modules._api import Plan

        return Plan(reason="%s does not exist" % path)
    after = edit_known_hosts(current["text"] or "", args)
    data = {"name": args["name"], "key": args["key"], "path": path, "hash_host": args["hash_host"]}
    msg = "%s %s in %s" % (args["name"], "added" if args["state"] == "present" else "removed", path)
    return plan_text({"path": path, "mode": None, "owner": None, "group": None}, current, after,
                     msg if after != (current["text"] or "") else "", data=data)


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Any) -> Dict[str, Any]
    path = _path(args)
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder, 0o700, exist_ok=True)
    if not os.path.exists(path):
        open(path, "a").close()
        os.chmod(path, 0o644)
    result = apply_text({"path": path, "mode": None, "owner": None, "group": None}, plan)
    if not os.path.exists(path):
        raise ModuleError("%s was not written" % path)
    return result
