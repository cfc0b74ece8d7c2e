"""rpm_key: an OpenPGP key in the RPM database (imported from a URL or a file), or removed.

The key id is read from the key itself (OpenPGP v4 fingerprint: SHA-1 over the public key
packet), so no gpg is needed on the host; rpm names an imported key gpg-pubkey-SHORTID.
"""

import base64
import hashlib
import os
import re
import subprocess
import tempfile

from corral.modules._api import Arg, ArgumentError, Change, ModuleError, Plan

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401

DOC = "Import an OpenPGP key into (or remove it from) the RPM database."
REQUIRES = ("_http",)

ARGS = {
    "key": Arg(str, required=True, doc="A URL, a file on the host, or (state=absent) a key id."),
    "state": Arg(str, default="present", choices=("present", "absent"), doc="present or absent."),
    "fingerprint": Arg(list, elements=str, doc="Fingerprint(s) the key must have."),
    "validate_certs": Arg(bool, default=True, doc="Check TLS certificates of a URL key."),
}
RETURNS = {"keyid": "The key's short id."}


def dearmor(text):
    # type: (str) -> bytes
    body = re.search(r"-----BEGIN PGP PUBLIC KEY BLOCK-----(.*?)-----END PGP PUBLIC KEY BLOCK-----",
                     text, re.S)
    if body is None:
        raise ModuleError("not an armored OpenPGP public key")
    lines = [line.strip() for line in body.group(1).strip().splitlines()]
    if "" in lines:
        lines = lines[lines.index("") + 1:]  # skip armor headers
    data = "".join(line for line in lines if line and not line.startswith("="))
    try:
        return base64.b64decode(data)
    except (ValueError, TypeError) as exc:
        raise ModuleError("the key's armor is not valid base64") from exc


def fingerprint(packets):
    # type: (bytes) -> str
    """The v4 fingerprint of the first public key packet."""
    if not packets or not packets[0] & 0x80:
        raise ModuleError("not an OpenPGP packet stream")
    first = packets[0]
    if first & 0x40:  # new format
        tag = first & 0x3F
        length, start = _new_length(packets, 1)
    else:
        tag = (first >> 2) & 0x0F
        kind = first & 0x03
        size = {0: 1, 1: 2, 2: 4}.get(kind)
        if size is None:
            raise ModuleError("an OpenPGP packet of indeterminate length")
        length = int.from_bytes(packets[1:1 + size], "big")
        start = 1 + size
    if tag != 6:
        raise ModuleError("the key does not start with a public key packet")
    body = packets[start:start + length]
    if not body or body[0] != 4:
        raise ModuleError("only version 4 OpenPGP keys are supported")
    return hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest().upper()


def _new_length(data, at):
    # type: (bytes, int) -> Tuple[int, int]
    first = data[at]
    if first < 192:
        return first, at + 1
    if first < 224:
        return ((first - 192) << 8) + data[at + 1] + 192, at + 2
    if first == 255:
        return int.from_bytes(data[at + 1:at + 5], "big"), at + 5
    raise ModuleError("partial OpenPGP packet lengths are not supported")


def installed_ids():
    # type: () -> List[str]
    proc = subprocess.run(["rpm", "-q", "gpg-pubkey", "--qf", "%{VERSION}\n"],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode not in (0, 1):
        raise ModuleError("rpm -q failed: %s" % proc.stderr.decode("utf-8", "replace").strip())
    return [line.strip().lower() for line in proc.stdout.decode().splitlines()
            if re.match(r"^[0-9a-fA-F]{8}$", line.strip())]


def _key_text(args):
    # type: (Mapping[str, Any]) -> str
    key = args["key"]
    if re.match(r"^(https?|ftp)://", key):
        from corral.modules._http import fetch

        reply = fetch(key, args["validate_certs"])
        if reply.status >= 400:
            raise ModuleError("failed to download the key from %s: HTTP %d" % (key, reply.status))
        return reply.body.read(1024 * 1024).decode("ascii", "replace")
    if os.path.isfile(key):
        with open(key) as handle:
            return handle.read()
    raise ArgumentError("key %r is neither a URL nor a file on the host" % key)


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    key = args["key"]
    text = None
    if args["state"] == "absent" and re.match(r"^(0x)?[0-9a-fA-F]{8,40}$", key):
        keyid = key.lower()[-8:]
    else:
        text = _key_text(args)
        full = fingerprint(dearmor(text))
        if args["fingerprint"] and full not in [f.replace(" ", "").upper() for f in args["fingerprint"]]:
            raise ModuleError("The specified fingerprint, '%s', does not match the key fingerprint "
                              "'%s'" % (", ".join(args["fingerprint"]), full))
        keyid = full[-8:].lower()
    return {"keyid": keyid, "text": text, "installed": keyid in installed_ids()}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    want = args["state"] == "present"
    data = {"keyid": current["keyid"]}
    if current["installed"] == want:
        return Plan(reason="key %s is already %s" % (current["keyid"], args["state"]), data=data)
    return Plan([Change("key " + current["keyid"], "absent" if want else "present", args["state"])],
                data=data, state=current, msg="key %s %s" % (current["keyid"],
                                                             "imported" if want else "removed"))


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    if args["state"] == "absent":
        _rpm(["rpm", "--erase", "--allmatches", "gpg-pubkey-" + plan.state["keyid"]])
        return {}
    fd, path = tempfile.mkstemp(prefix=".corral-key-", suffix=".asc")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(plan.state["text"])
        _rpm(["rpm", "--import", path])
    finally:
        os.unlink(path)
    return {}


def _rpm(argv):
    # type: (List[str]) -> None
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    except OSError as exc:
        raise ModuleError("rpm could not run (is this an RPM host?): %s" % exc) from exc
    if proc.returncode != 0:
        raise ModuleError("%s failed: %s" % (" ".join(argv[:2]),
                                             proc.stderr.decode("utf-8", "replace").strip()))
