"""apt_repository: a one-line APT source (deb …) present or absent, as Ansible keeps them.

The source is looked for in /etc/apt/sources.list and every sources.list.d/*.list file, so
a repository added by hand elsewhere is not added twice. A new one goes into its own file,
named after the URL unless ``filename`` says otherwise.
"""

import glob
import os
import re
import subprocess

from corral.modules._api import (
    Arg,
    ArgumentError,
    Change,
    ModuleError,
    Plan,
    atomic_write,
    text_diff,
)

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401

DOC = "Add or remove an APT repository line (deb/deb-src) in sources.list.d; apt-get update after."
SOURCES = "/etc/apt/sources.list"
SOURCES_D = "/etc/apt/sources.list.d"
_TYPES = ("deb", "deb-src")

ARGS = {
    "repo": Arg(str, required=True, doc="The source line: 'deb [signed-by=/etc/apt/keyrings/x.gpg] "
                                        "https://… bookworm main'."),
    "state": Arg(str, default="present", choices=("present", "absent"), doc="present or absent."),
    "filename": Arg(str, doc="The file in sources.list.d, without .list (default: from the URL)."),
    "mode": Arg("mode", default="0644", doc="Mode of a new file."),
    "update_cache": Arg(bool, default=True, aliases=("update-cache",),
                        doc="Run apt-get update after a change."),
    "update_cache_retries": Arg(int, default=5, doc="Tries of apt-get update."),
    "update_cache_retry_max_delay": Arg(int, default=12, doc="Accepted; retries are immediate."),
    "validate_certs": Arg(bool, default=True, doc="Accepted (no PPA keys are fetched)."),
    "codename": Arg(str, doc="Accepted for PPA lines (not supported: write the full deb line)."),
    "install_python_apt": Arg(bool, default=True, doc="Accepted; corral does not need python-apt."),
}
RETURNS = {"repo": "The line.", "state": "As given.", "sources_added": "Files written.",
           "sources_removed": "Files the line was removed from (or deleted)."}


def parse_line(line):
    # type: (str) -> Optional[Tuple[str, Tuple[str, ...], str, str, Tuple[str, ...]]]
    """(type, options, uri, suite, components) of an enabled source line, else None."""
    text = line.split("#", 1)[0].strip() if not line.strip().startswith("#") else ""
    if not text:
        return None
    options = ()  # type: Tuple[str, ...]
    match = re.match(r"^(deb|deb-src)\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s*(.*)$", text)
    if not match:
        return None
    if match.group(2):
        options = tuple(sorted(match.group(2).strip()[1:-1].split()))
    components = tuple(match.group(5).split())
    return match.group(1), options, match.group(3).rstrip("/"), match.group(4), components


def suggest_filename(repo):
    # type: (str) -> str
    """Ansible's default file name: the URL without scheme and credentials, words joined by _."""
    line = re.sub(r"\[[^\]]+\]", "", repo)
    line = re.sub(r"\w+://", "", line)
    parts = [part for part in line.split() if part not in _TYPES]
    first = parts[0].split("@", 1)[-1] if parts else "repository"
    return "_".join(re.sub(r"[^a-zA-Z0-9]", " ", first).split())


def _source_files():
    # type: () -> List[str]
    files = [SOURCES] if os.path.exists(SOURCES) else []
    return files + sorted(glob.glob(os.path.join(SOURCES_D, "*.list")))


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    wanted = parse_line(args["repo"])
    if wanted is None:
        if args["repo"].startswith("ppa:"):
            raise ArgumentError("PPA names are not supported; write the deb line of the PPA")
        raise ArgumentError("Invalid repository string: %s" % args["repo"])
    contents = {}  # type: Dict[str, str]
    for path in _source_files():
        with open(path, "rb") as handle:
            contents[path] = handle.read().decode("utf-8", "surrogateescape")
    target = os.path.join(SOURCES_D, (args["filename"] or suggest_filename(args["repo"])) + ".list")
    return {"wanted": wanted, "contents": contents, "target": target}


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    wanted = current["wanted"]
    edits = {}  # type: Dict[str, Optional[str]]  # path -> new text (None: delete)
    for path, text in current["contents"].items():
        lines = text.splitlines(True)
        kept = [line for line in lines if parse_line(line) != wanted]
        if args["state"] == "absent" and len(kept) != len(lines):
            has_sources = any(parse_line(line) for line in kept)
            edits[path] = "".join(kept) if (has_sources or path == SOURCES) else None
    present = any(parse_line(line) == wanted for text in current["contents"].values()
                  for line in text.splitlines())
    if args["state"] == "present" and not present:
        old = current["contents"].get(current["target"], "")
        if old and not old.endswith("\n"):
            old += "\n"
        edits[current["target"]] = old + args["repo"].strip() + "\n"
    data = {"repo": args["repo"], "state": args["state"],
            "sources_added": [p for p, t in edits.items() if t is not None and args["state"] == "present"],
            "sources_removed": [p for p in edits if args["state"] == "absent"]}
    if not edits:
        return Plan(reason="%s is already %s" % (args["repo"], args["state"]), data=data)
    path = sorted(edits)[0]
    diff = text_diff(current["contents"].get(path, ""), edits[path] or "", path, path)
    return Plan([Change("source", p, "removed" if t is None else "written") for p, t in edits.items()],
                diff=diff, data=data, state=edits,
                msg="%s %s" % (args["repo"], "added" if args["state"] == "present" else "removed"))


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    from corral.modules._api import parse_mode_arg

    mode = parse_mode_arg("mode", args["mode"])
    for path, text in plan.state.items():
        if text is None:
            os.unlink(path)
        else:
            existing = os.path.exists(path)
            atomic_write(path, text.encode("utf-8", "surrogateescape"),
                         mode=None if existing else (mode if isinstance(mode, int) else 0o644))
    if args["update_cache"]:
        _update(args["update_cache_retries"])
    return {}


def _update(tries):
    # type: (int) -> None
    error = ""
    for _ in range(max(1, tries)):
        proc = subprocess.run(["apt-get", "update", "-q"], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        if proc.returncode == 0:
            return
        error = proc.stderr.decode("utf-8", "replace").strip()
    raise ModuleError("Failed to update apt cache: %s" % error)
