"""Try to read every file that appears or changes in a folder, as fast as inotify says so.

Run on a fleet host as an unprivileged user: ``python3 inotify_watch.py FOLDER NEEDLE``.
Prints ``ready`` once watching; stops when a file named ``done`` appears, then
prints one JSON line: how many events, opens, refusals, and the names of files
whose content held NEEDLE. Stdlib only (ctypes on libc's inotify).
"""

import ctypes
import json
import os
import struct
import sys

IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_TO, IN_CREATE = 0x80, 0x100
_EVENT = struct.Struct("iIII")


def watch(folder, needle):
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    fd = libc.inotify_init()
    mask = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE
    if fd < 0 or libc.inotify_add_watch(fd, folder.encode(), mask) < 0:
        raise OSError(ctypes.get_errno(), "inotify")
    counts = {"events": 0, "opened": 0, "refused": 0, "leaked": []}
    print("ready", flush=True)
    while True:
        buf = os.read(fd, 1 << 16)
        offset = 0
        while offset < len(buf):
            _wd, _mask, _cookie, size = _EVENT.unpack_from(buf, offset)
            name = buf[offset + _EVENT.size:offset + _EVENT.size + size].rstrip(b"\0").decode()
            offset += _EVENT.size + size
            counts["events"] += 1
            if name == "done":
                return counts
            _try_read(os.path.join(folder, name), needle, counts)


def _try_read(path, needle, counts):
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        counts["refused"] += 1
        return
    counts["opened"] += 1
    if needle in data:
        counts["leaked"].append(os.path.basename(path))


if __name__ == "__main__":
    print(json.dumps(watch(sys.argv[1], sys.argv[2].encode())), flush=True)
