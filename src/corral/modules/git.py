"""git: check out a repository at a branch, tag or commit (deploys from git).

``inspect`` asks the remote which commit ``version`` names (``git ls-remote``) and
reads the checkout (its commit, remote URL, local modifications); ``plan`` compares;
``apply`` clones or fetches and checks out. A checkout with local modifications is
refused unless ``force``, which discards them. SSH runs non-interactively
(``BatchMode``): an unknown host key fails unless ``accept_hostkey`` or
``accept_newhostkey``.
"""

import os
import re
import shlex
import subprocess

from corral.modules._api import Arg, Change, ModuleError, Plan

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401

DOC = "Deploy a git checkout: clone, or fetch and check out a branch, tag or commit."

ARGS = {
    "repo": Arg(str, required=True, aliases=("name",),
                doc="URL of the repository: file://, ssh://, user@host:path, https://…"),
    "dest": Arg("path", required=True, doc="Where the checkout goes."),
    "version": Arg(str, default="HEAD", doc="Branch, tag or commit (full or abbreviated sha)."),
    "force": Arg(bool, default=False, doc="Discard local modifications of tracked files."),
    "depth": Arg(int, doc="Shallow clone with this many commits of history."),
    "update": Arg(bool, default=True, doc="no: only clone when dest is missing, never fetch."),
    "clone": Arg(bool, default=True, doc="no: never clone; only report or update an existing one."),
    "remote": Arg(str, default="origin", doc="Name of the remote."),
    "bare": Arg(bool, default=False, doc="Make a bare repository (no work tree)."),
    "single_branch": Arg(bool, default=False, doc="Clone only the history of version."),
    "accept_hostkey": Arg(bool, default=False,
                          doc="SSH: accept any host key (StrictHostKeyChecking=no)."),
    "accept_newhostkey": Arg(bool, default=False,
                             doc="SSH: accept and record a host key seen the first time."),
    "key_file": Arg("path", doc="SSH private key to use (and no other)."),
    "ssh_opts": Arg(str, doc="More options for ssh, e.g. '-o Port=2222'."),
    "executable": Arg("path", doc="The git program to run (default: git on PATH)."),
    "recursive": Arg(bool, default=True, doc="Also update submodules."),
}

RETURNS = {
    "before": "Commit checked out before the task (null when dest was missing).",
    "after": "Commit checked out after the task (the one version names).",
    "remote_url_changed": "Whether the remote's URL was changed to repo.",
    "warnings": "Things worth knowing, e.g. local modifications discarded.",
}

_SHA = re.compile(r"^[0-9a-fA-F]{7,40}$")
TIMEOUT = 600


# --- running git ---------------------------------------------------------------

def _env(args):
    # type: (Mapping[str, Any]) -> Dict[str, str]
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_OPTIONAL_LOCKS"] = "0"  # status must not refresh (write) the index
    env["LC_ALL"] = "C"
    ssh = ["ssh", "-o", "BatchMode=yes"]
    if args.get("accept_hostkey"):
        ssh += ["-o", "StrictHostKeyChecking=no"]
    elif args.get("accept_newhostkey"):
        ssh += ["-o", "StrictHostKeyChecking=accept-new"]
    if args.get("key_file"):
        ssh += ["-i", args["key_file"], "-o", "IdentitiesOnly=yes"]
    command = " ".join(shlex.quote(word) for word in ssh)
    if args.get("ssh_opts"):
        command += " " + args["ssh_opts"]
    env["GIT_SSH_COMMAND"] = command
    return env


def _git(args, words, cwd=None, check=True):
    # type: (Mapping[str, Any], List[str], Optional[str], bool) -> Tuple[int, str, str]
    argv = [args.get("executable") or "git"] + list(words)
    try:
        proc = subprocess.run(argv, cwd=cwd, env=_env(args), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    except FileNotFoundError:
        raise ModuleError("git is not installed on the host (no %r on PATH); install it "
                          "first, e.g. with the package module" % argv[0]) from None
    except subprocess.TimeoutExpired:
        raise ModuleError("git %s did not finish in %d s" % (words[0], TIMEOUT)) from None
    out = proc.stdout.decode("utf-8", "replace").strip()
    err = proc.stderr.decode("utf-8", "replace").strip()
    if check and proc.returncode != 0:
        raise ModuleError("git %s failed (rc=%d): %s" % (" ".join(words[:2]), proc.returncode,
                                                         err or out),
                          rc=proc.returncode, stdout=out, stderr=err)
    return proc.returncode, out, err


# --- inspect -------------------------------------------------------------------

def _remote_sha(args):
    # type: (Mapping[str, Any]) -> Tuple[Optional[str], str]
    """(commit that version names on the remote, or None for a sha not advertised; its kind)."""
    version = args["version"]
    rc, out, err = _git(args, ["ls-remote", args["repo"]], check=False)
    if rc != 0:
        raise ModuleError("cannot read repository %s: %s" % (args["repo"], err or out or "rc=%d" % rc))
    refs = {}  # type: Dict[str, str]
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        refs[ref] = sha
    if version == "HEAD":
        if "HEAD" not in refs:
            raise ModuleError("repository %s has no HEAD (is it empty?)" % args["repo"])
        return refs["HEAD"], "head"
    for ref, kind in (("refs/heads/" + version, "branch"), ("refs/tags/" + version + "^{}", "tag"),
                      ("refs/tags/" + version, "tag")):
        if ref in refs:
            return refs[ref], kind
    if _SHA.match(version):
        return None, "sha"
    raise ModuleError("version %r is not a branch, tag or commit of %s" % (version, args["repo"]))


def _git_dir(args):
    # type: (Mapping[str, Any]) -> Optional[str]
    dest = args["dest"]
    if args["bare"]:
        return dest if os.path.isfile(os.path.join(dest, "HEAD")) else None
    return os.path.join(dest, ".git") if os.path.exists(os.path.join(dest, ".git")) else None


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    dest = args["dest"]
    current = {"exists": os.path.exists(dest), "repo": None}  # type: Dict[str, Any]
    git_dir = _git_dir(args)
    if current["exists"] and git_dir is None:
        if os.path.isdir(dest) and not os.listdir(dest):
            current["exists"] = False  # an empty folder may be cloned into
        else:
            raise ModuleError("%s exists and is not a git repository; remove it or choose "
                              "another dest" % dest)
    if current["exists"]:
        current["repo"] = _read_checkout(args)
        if not args["update"]:
            return current
    elif not args["clone"]:
        return current
    current["wanted"], current["kind"] = _remote_sha(args)
    if current["wanted"] is None and current["repo"] is not None:
        rc, out, _ = _git(args, ["rev-parse", "--verify", "-q", args["version"] + "^{commit}"],
                          cwd=dest, check=False)
        current["wanted"] = out if rc == 0 else None
    return current


def _read_checkout(args):
    # type: (Mapping[str, Any]) -> Dict[str, Any]
    dest = args["dest"]
    rc, head, _ = _git(args, ["rev-parse", "--verify", "-q", "HEAD"], cwd=dest, check=False)
    _, url, _ = _git(args, ["config", "--get", "remote.%s.url" % args["remote"]], cwd=dest,
                     check=False)
    mods = ""
    if not args["bare"]:
        _, mods, _ = _git(args, ["status", "--porcelain", "--untracked-files=no"], cwd=dest)
    return {"head": head if rc == 0 else None, "url": url or None, "mods": mods}


# --- plan ----------------------------------------------------------------------

def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    dest = args["dest"]
    repo = current["repo"]
    if repo is None:
        if not args["clone"]:
            return Plan(reason="%s does not exist and clone=no" % dest,
                        data={"before": None, "after": None})
        after = current.get("wanted") or args["version"]
        return Plan([Change("checkout", None, after)], msg="cloned %s at %s into %s" % (
            args["repo"], _short(after), dest), data={"before": None, "after": after},
            state={"clone": True, "kind": current.get("kind")})
    data = {"before": repo["head"], "after": repo["head"],
            "remote_url_changed": repo["url"] != args["repo"]}  # type: Dict[str, Any]
    if not args["update"]:
        data["remote_url_changed"] = False
        return Plan(reason="%s exists and update=no: left at %s" % (dest, _short(repo["head"])),
                    data=data)
    changes = []  # type: List[Change]
    if repo["mods"]:
        if not args["force"]:
            raise ModuleError("local modifications exist in %s (force=no): %s; commit or "
                              "discard them, or set force: true to discard them"
                              % (dest, _files(repo["mods"])), **data)
        changes.append(Change("local modifications", _files(repo["mods"]), "discarded"))
        data["warnings"] = ["local modifications in %s were discarded" % dest]
    wanted = current["wanted"]
    data["after"] = wanted or args["version"]
    if data["remote_url_changed"]:
        changes.append(Change("remote url", repo["url"], args["repo"]))
    if wanted is None or wanted != repo["head"]:
        changes.append(Change("commit", repo["head"], wanted or args["version"]))
    if not changes:
        return Plan(reason="%s is already at %s (%s)" % (dest, _short(repo["head"]),
                                                          args["version"]), data=data)
    return Plan(changes, data=data, state={"clone": False, "kind": current.get("kind")},
                msg="%s: %s -> %s" % (dest, _short(repo["head"]), _short(data["after"])))


def _short(sha):
    # type: (Optional[str]) -> str
    return sha[:12] if sha and _SHA.match(sha) else str(sha)


def _files(porcelain):
    # type: (str) -> str
    names = [re.sub(r"^\s*\S{1,2}\s+", "", line) for line in porcelain.splitlines() if line.strip()]
    return ", ".join(names[:10]) + (" …" if len(names) > 10 else "")


# --- apply ---------------------------------------------------------------------

def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    dest = args["dest"]
    if plan.state["clone"]:
        _clone(args, plan.state["kind"])
    else:
        _update(args)
    if not args["bare"] and args["recursive"] and os.path.exists(os.path.join(dest, ".gitmodules")):
        _git(args, ["submodule", "update", "--init", "--recursive"], cwd=dest)
    _, head, _ = _git(args, ["rev-parse", "HEAD"], cwd=dest)
    return {"after": head}


def _clone(args, kind):
    # type: (Mapping[str, Any], Optional[str]) -> None
    dest, version = args["dest"], args["version"]
    words = ["clone", "--origin", args["remote"]]
    named = kind in ("branch", "tag")
    if named:
        words += ["--branch", version]
    if args["depth"]:
        words += ["--depth", str(args["depth"])]
    if args["single_branch"]:
        words.append("--single-branch")
    if args["bare"]:
        words.append("--bare")
    parent = os.path.dirname(os.path.abspath(dest))
    os.makedirs(parent, exist_ok=True)
    _git(args, words + ["--", args["repo"], dest], cwd=parent)
    if not named and version != "HEAD" and not args["bare"]:
        _fetch_commit(args)
        _git(args, ["checkout", "--force", "--detach", version], cwd=dest)


def _fetch_commit(args):
    # type: (Mapping[str, Any]) -> None
    dest, version = args["dest"], args["version"]
    rc, _, _ = _git(args, ["cat-file", "-e", version + "^{commit}"], cwd=dest, check=False)
    if rc != 0:
        words = ["fetch", args["remote"], version]
        if args["depth"]:
            words[1:1] = ["--depth", str(args["depth"])]
        _git(args, words, cwd=dest)


def _update(args):
    # type: (Mapping[str, Any]) -> None
    dest, version, remote = args["dest"], args["version"], args["remote"]
    _git(args, ["remote", "set-url", remote, args["repo"]], cwd=dest, check=False)
    rc, _, _ = _git(args, ["config", "--get", "remote.%s.url" % remote], cwd=dest, check=False)
    if rc != 0:
        _git(args, ["remote", "add", remote, args["repo"]], cwd=dest)
    words = ["fetch", "--tags", "--force", remote]
    if args["depth"]:
        words[1:1] = ["--depth", str(args["depth"])]
    if args["bare"]:
        _git(args, words + ["+refs/heads/*:refs/heads/*"], cwd=dest)
        return
    _git(args, words, cwd=dest)
    if args["force"]:
        _git(args, ["reset", "--hard", "-q"], cwd=dest)
    sha, kind = _remote_sha(args)
    if kind == "head":
        _, branch, _ = _git(args, ["symbolic-ref", "-q", "--short", "HEAD"], cwd=dest, check=False)
        target = sha
        if branch:
            _git(args, ["checkout", "--force", "-B", branch, str(target)], cwd=dest)
            return
    elif kind == "branch":
        _git(args, ["checkout", "--force", "-B", version, "%s/%s" % (remote, version)], cwd=dest)
        return
    else:
        if kind == "sha":
            _fetch_commit(args)
        target = version
    _git(args, ["checkout", "--force", "--detach", str(target)], cwd=dest)
