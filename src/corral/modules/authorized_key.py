"""authorized_key: SSH public keys in a user's authorized_keys file, as Ansible keeps them."""

import os
import pwd
import re
import shlex

from corral.modules._api import Arg, ArgumentError, ModuleError, Plan
from corral.modules._textedit import apply_text, inspect_text, plan_text, split_lines

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401

DOC = "Add or remove SSH public keys in a user's authorized_keys (one key or several, one a line)."
REQUIRES = ("_fileattrs", "_filecontent", "_textedit")

ARGS = {
    "user": Arg(str, required=True, doc="Whose authorized_keys."),
    "key": Arg(str, required=True, doc="The public key line(s): 'ssh-ed25519 AAAA… comment', one a line."),
    "path": Arg("path", doc="The file (default ~user/.ssh/authorized_keys)."),
    "manage_dir": Arg(bool, default=True, doc="Create ~user/.ssh (0700, owned by the user) if missing."),
    "state": Arg(str, default="present", choices=("present", "absent"),
                 doc="present: the keys are there (exactly as given); absent: they are not."),
    "exclusive": Arg(bool, default=False, doc="Remove every other key (and line) from the file."),
    "key_options": Arg(str, doc="Options put in front of each key, like 'no-pty,from=\"10.0.0.1\"'."),
    "comment": Arg(str, doc="Replace the keys' comments with this."),
    "follow": Arg(bool, default=False, doc="Follow a symlinked file instead of replacing it."),
    "validate_certs": Arg(bool, default=True, doc="Accepted; keys from URLs are not supported."),
}
RETURNS = {
    "user": "The user.", "key": "The key text given.", "keyfile": "The authorized_keys path.",
    "exclusive": "As given.", "key_options": "As given.", "state": "As given.",
}

_KEY_TYPES = re.compile(r"^(ssh-|ecdsa-|sk-ecdsa-|sk-ssh-)")


def parse_key(line):
    # type: (str) -> Optional[Tuple[Optional[str], str, str, Optional[str]]]
    """(options, type, blob, comment) of an authorized_keys line; None for other lines."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    options = None
    if not _KEY_TYPES.match(text):
        try:
            lexer = shlex.shlex(text, posix=False)
            lexer.whitespace = " \t"
            lexer.whitespace_split = True
            options = lexer.get_token()
        except ValueError:
            return None
        text = text[len(options or ""):].strip()
    parts = text.split(None, 2)
    if len(parts) < 2:
        return None
    return options, parts[0], parts[1], (parts[2].strip() if len(parts) > 2 else None)


def render_key(key):
    # type: (Tuple[Optional[str], str, str, Optional[str]]) -> str
    return " ".join(part for part in key if part) + "\n"


def wanted_keys(args):
    # type: (Mapping[str, Any]) -> List[Tuple[Optional[str], str, str, Optional[str]]]
    found = []
    for line in args["key"].splitlines():
        if line.strip().startswith(("http://", "https://")):
            raise ArgumentError("keys from URLs are not supported; fetch the key first "
                                "(lookup('file') or get_url) and pass its text")
        key = parse_key(line)
        if key is None:
            if line.strip() and not line.strip().startswith("#"):
                raise ArgumentError("invalid key specified: %r" % line.strip()[:60])
            continue
        options = args["key_options"] if args["key_options"] is not None else key[0]
        comment = args["comment"] if args["comment"] is not None else key[3]
        found.append((options, key[1], key[2], comment))
    if not found:
        raise ArgumentError("no key in key=%r" % args["key"][:60])
    return found


def edit_keys(text, wanted, state, exclusive):
    # type: (str, List[Tuple[Optional[str], str, str, Optional[str]]], str, bool) -> str
    """Ansible's authorized_key edit: a key that differs is removed and added at the end."""
    if exclusive and state == "present":
        return "".join(render_key(k) for k in wanted)
    blobs = {k[2]: k for k in wanted}
    lines = split_lines(text)
    kept, present = [], set()
    for line in lines:
        key = parse_key(line)
        if key is None or key[2] not in blobs:
            kept.append(line if line.endswith("\n") else line + "\n")
            continue
        if state == "present" and key == blobs[key[2]] and key[2] not in present:
            kept.append(line if line.endswith("\n") else line + "\n")
            present.add(key[2])
    if state == "present":
        kept += [render_key(k) for k in wanted if k[2] not in present]
    result = "".join(kept)
    return text if result in (text, text + "\n") else result  # a missing final newline alone


def _home(user):
    # type: (str) -> Any
    try:
        return pwd.getpwnam(user)
    except KeyError:
        raise ModuleError("user %r does not exist on this host" % user) from None


def _file_args(args):
    # type: (Mapping[str, Any]) -> Dict[str, Any]
    entry = _home(args["user"])
    path = args["path"] or os.path.join(entry.pw_dir, ".ssh", "authorized_keys")
    return {"path": path, "mode": 0o600, "owner": str(entry.pw_uid), "group": str(entry.pw_gid)}


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    file_args = _file_args(args)
    current = inspect_text(file_args)
    current["file_args"] = file_args
    folder = os.path.dirname(file_args["path"])
    current["dir_missing"] = not os.path.isdir(folder)
    if current["dir_missing"] and not args["manage_dir"] and args["state"] == "present":
        raise ModuleError("%s does not exist; use manage_dir: true to create it" % folder)
    return current


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    file_args = current["file_args"]
    data = {"user": args["user"], "key": args["key"], "keyfile": file_args["path"],
            "exclusive": args["exclusive"], "key_options": args["key_options"],
            "state": args["state"], "manage_dir": args["manage_dir"], "path": args["path"]}
    wanted = wanted_keys(args)
    if current["text"] is None and args["state"] == "absent":
        return Plan(reason="%s does not exist; no key to remove" % file_args["path"], data=data)
    after = edit_keys(current["text"] or "", wanted, args["state"], args["exclusive"])
    return plan_text(file_args, current, after, "", data=data)


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    file_args = _file_args(args)
    folder = os.path.dirname(file_args["path"])
    if args["manage_dir"] and not os.path.isdir(folder):
        os.makedirs(folder, mode=0o700, exist_ok=True)
        os.chown(folder, int(file_args["owner"]), int(file_args["group"]))
    return apply_text(file_args, plan)
