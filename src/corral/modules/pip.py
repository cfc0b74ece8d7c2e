"""pip: Python packages on the host, system-wide or in a virtualenv it creates.

``inspect`` reads what is installed (``pip list --format=json``; for ``latest``
also ``pip list --outdated``, with ``extra_args`` so a private index or
``--find-links`` is asked); ``plan`` compares each name's version specifiers with
it; ``apply`` creates the virtualenv if missing and runs one ``pip install`` or
``pip uninstall``. A requirements file cannot be judged without pip: it is
installed, and the task is changed only if ``pip freeze`` differs afterwards.
"""

import json
import os
import re
import shlex
import shutil
import subprocess

from corral.modules._api import Arg, ArgumentError, Change, ModuleError, Plan

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401

DOC = "Install, upgrade or remove Python packages with pip, optionally in a virtualenv."

ARGS = {
    "name": Arg(list, elements=str, doc="Packages, each with optional version specifiers "
                                        "('flask', 'requests>=2,<3'), or URLs/paths."),
    "version": Arg(str, doc="The version of the one package in name (name==version)."),
    "requirements": Arg(str, doc="A pip requirements file (relative to chdir)."),
    "state": Arg(str, default="present", choices=("present", "latest", "absent",
                                                   "forcereinstall"),
                 doc="present: installed (matching the specifiers); latest: upgraded; "
                     "absent: removed; forcereinstall: reinstalled every run."),
    "virtualenv": Arg("path", doc="Install into this virtualenv, created if missing."),
    "virtualenv_command": Arg(str, default="virtualenv",
                              doc="Program that creates it, e.g. 'python3 -m venv' "
                                  "(the default virtualenv falls back to python3 -m venv)."),
    "virtualenv_python": Arg(str, doc="The Python the virtualenv is made for, e.g. python3.11."),
    "virtualenv_site_packages": Arg(bool, default=False,
                                    doc="The virtualenv also sees the system's packages."),
    "extra_args": Arg(str, doc="More pip options, e.g. '--no-index --find-links /srv/wheels'."),
    "chdir": Arg("path", doc="Run pip in this directory."),
    "executable": Arg("path", doc="The pip to run (not with virtualenv), e.g. pip3.11."),
    "editable": Arg(bool, default=False, doc="Install the name (a path or VCS URL) editable."),
    "umask": Arg(str, doc="Umask for pip, as an octal string like '0022'."),
    "break_system_packages": Arg(bool, default=False,
                                 doc="Allow installing into a Python the OS manages (PEP 668, "
                                     "e.g. Debian 12's system Python): pip's "
                                     "--break-system-packages."),
}

RETURNS = {
    "cmd": "The pip command line run (or that would run).",
    "name": "The names given.",
    "requirements": "The requirements file given.",
    "version": "The version given.",
    "virtualenv": "The virtualenv given.",
    "state": "The state asked for.",
    "stdout": "pip's output.",
    "stderr": "pip's error output.",
}

TIMEOUT = 1800
_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")
_SPEC = re.compile(r"^\s*(===|==|!=|~=|>=|<=|>|<)\s*([^\s,;]+)\s*$")


# --- names and versions -----------------------------------------------------------

def canonical(name):
    # type: (str) -> str
    """PEP 503: Flask_SQLAlchemy and flask-sqlalchemy are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirement(text):
    # type: (str) -> Optional[Tuple[str, List[Tuple[str, str]]]]
    """``'requests>=2,<3'`` -> ('requests', [('>=', '2'), ('<', '3')]); None for a URL/path."""
    text = text.split(";", 1)[0].strip()
    if "://" in text or text.startswith((".", "/", "-")) or "@" in text:
        return None
    match = _REQ.match(text)
    if match is None:
        return None
    specs = []  # type: List[Tuple[str, str]]
    rest = match.group(3).strip()
    for part in (rest.split(",") if rest else []):
        spec = _SPEC.match(part)
        if spec is None:
            return None
        specs.append((spec.group(1), spec.group(2)))
    return canonical(match.group(1)), specs


def _version_key(text):
    # type: (str) -> Tuple[Any, ...]
    parts = []  # type: List[Any]
    for piece in re.split(r"[.+-]", text):
        number = re.match(r"^(\d+)(.*)$", piece)
        if number:
            parts.append((1, int(number.group(1)), number.group(2)))
        else:
            parts.append((0, 0, piece))
    while parts and parts[-1] == (1, 0, ""):
        parts.pop()
    return tuple(parts)


def satisfies(version, specs):
    # type: (str, List[Tuple[str, str]]) -> bool
    have = _version_key(version)
    for op, wanted in specs:
        if op in ("==", "===") and wanted.endswith(".*"):
            if not (version + ".").startswith(wanted[:-1]):
                return False
            continue
        other = _version_key(wanted)
        ok = {"==": have == other, "===": version == wanted, "!=": have != other,
              ">=": have >= other, "<=": have <= other, ">": have > other, "<": have < other,
              "~=": have >= other and have[:max(len(other) - 1, 1)] == other[:max(len(other) - 1, 1)],
              }[op]
        if not ok:
            return False
    return True


# --- running pip --------------------------------------------------------------------

def _run(argv, args, check=True):
    # type: (List[str], Mapping[str, Any], bool) -> Tuple[int, str, str]
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", LC_ALL="C.UTF-8")
    old_umask = os.umask(int(args["umask"], 8)) if args.get("umask") else None
    try:
        proc = subprocess.run(argv, cwd=args.get("chdir") or None, env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=TIMEOUT)
    except FileNotFoundError:
        raise ModuleError("%s is not installed on the host; install pip (python3-pip) or "
                          "give virtualenv or executable" % argv[0]) from None
    except subprocess.TimeoutExpired:
        raise ModuleError("%s did not finish in %d s" % (" ".join(argv[:2]), TIMEOUT)) from None
    finally:
        if old_umask is not None:
            os.umask(old_umask)
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    if check and proc.returncode != 0:
        hint = ("; this Python is managed by the OS: use a virtualenv, or set "
                "break_system_packages: true" if "externally-managed-environment" in err else "")
        raise ModuleError("%s failed (rc=%d): %s%s" % (" ".join(argv[:3]), proc.returncode,
                                                      (err or out).strip()[-2000:], hint),
                          cmd=" ".join(shlex.quote(a) for a in argv), stdout=out, stderr=err,
                          rc=proc.returncode)
    return proc.returncode, out, err


def _pip(args):
    # type: (Mapping[str, Any]) -> List[str]
    if args.get("virtualenv"):
        return [os.path.join(args["virtualenv"], "bin", "pip")]
    if args.get("executable"):
        return [args["executable"]]
    for name in ("pip3", "pip"):
        found = shutil.which(name)
        if found:
            return [found]
    return ["python3", "-m", "pip"]


def _installed(args):
    # type: (Mapping[str, Any]) -> Dict[str, str]
    _, out, _ = _run(_pip(args) + ["list", "--format=json"] + _extra(args), args)
    return _versions(out)


def _versions(out):
    # type: (str) -> Dict[str, str]
    try:
        rows = json.loads(out.strip().splitlines()[-1] if out.strip() else "[]")
    except ValueError:
        raise ModuleError("pip list did not answer JSON: %s" % out[:200]) from None
    return {canonical(str(r["name"])): str(r["version"]) for r in rows}


def _extra(args):
    # type: (Mapping[str, Any]) -> List[str]
    """The index options of extra_args (pip list takes them too), not install-only ones."""
    words = shlex.split(args.get("extra_args") or "")
    keep = []  # type: List[str]
    takes_value = ("--index-url", "-i", "--extra-index-url", "--find-links", "-f",
                   "--trusted-host")
    i = 0
    while i < len(words):
        word = words[i]
        if word in takes_value and i + 1 < len(words):
            keep += [word, words[i + 1]]
            i += 2
            continue
        if word in ("--no-index", "--pre") or word.split("=")[0] in takes_value:
            keep.append(word)
        i += 1
    return keep


# --- inspect / plan / apply ---------------------------------------------------------

def _wanted(args):
    # type: (Mapping[str, Any]) -> List[str]
    names = list(args.get("name") or [])
    if args.get("version"):
        if len(names) != 1:
            raise ArgumentError("version needs exactly one name")
        parsed = parse_requirement(names[0])
        if parsed is None or parsed[1]:
            raise ArgumentError("version needs a plain package name in name (no specifiers, "
                                "URL or path): %r" % names[0])
        names = ["%s==%s" % (names[0], args["version"])]
    return names


def inspect(ctx, args):
    # type: (Any, Mapping[str, Any]) -> Dict[str, Any]
    if not args.get("name") and not args.get("requirements"):
        raise ArgumentError("one of name or requirements is required")
    if args.get("virtualenv") and args.get("executable"):
        raise ArgumentError("executable and virtualenv are mutually exclusive")
    current = {"venv": None, "installed": {}, "outdated": set()}  # type: Dict[str, Any]
    venv = args.get("virtualenv")
    if venv:
        current["venv"] = os.path.isfile(os.path.join(venv, "bin", "pip"))
        if not current["venv"]:
            return current
    current["installed"] = _installed(args)
    if args["state"] == "latest":
        _, out, _ = _run(_pip(args) + ["list", "--outdated", "--format=json"] + _extra(args), args)
        current["outdated"] = set(_versions(out))
    return current


def plan(ctx, args, current):
    # type: (Any, Mapping[str, Any], Dict[str, Any]) -> Plan
    names = _wanted(args)
    data = {"name": args.get("name"), "requirements": args.get("requirements"),
            "version": args.get("version"), "virtualenv": args.get("virtualenv"),
            "state": args["state"]}  # type: Dict[str, Any]
    changes = []  # type: List[Change]
    if current["venv"] is False:
        if args["state"] == "absent":
            return Plan(reason="virtualenv %s does not exist: nothing to remove"
                        % args["virtualenv"], data=data)
        changes.append(Change("virtualenv", None, args["virtualenv"]))
    todo = []  # type: List[str]
    for text in names:
        change = _judge(args["state"], text, current)
        if change is not None:
            changes.append(change)
            todo.append(text)
    if args.get("requirements") and args["state"] != "absent":
        changes.append(Change("requirements", None, args["requirements"]))
    data["cmd"] = " ".join(shlex.quote(w) for w in _command(args, todo or names))
    if not changes:
        return Plan(reason="%s: already %s" % (", ".join(names), _said(args["state"])), data=data)
    return Plan(changes, data=data, state={"todo": todo},
                msg=", ".join("%s: %s -> %s" % (c.what, c.before, c.after) for c in changes))


def _said(state):
    # type: (str) -> str
    return {"absent": "absent", "latest": "at the latest version"}.get(state, "installed")


def _judge(state, text, current):
    # type: (str, str, Dict[str, Any]) -> Optional[Change]
    """The change ``text`` needs, or None."""
    parsed = parse_requirement(text)
    if parsed is None:  # a URL or path: pip decides; always run it
        return None if state == "absent" else Change(text, None, "installed")
    name, specs = parsed
    have = current["installed"].get(name)
    if state == "absent":
        return Change(name, have, "absent") if have else None
    if state == "forcereinstall":
        return Change(name, have, "reinstalled")
    if have is None:
        return Change(name, None, text)
    if specs and not satisfies(have, specs):
        return Change(name, have, text)
    if state == "latest" and name in current["outdated"]:
        return Change(name, have, "latest")
    return None


def _bare_name(spec):
    # type: (str) -> str
    """``flask>=2`` -> ``flask`` (pip uninstall takes names only)."""
    parsed = parse_requirement(spec)
    return parsed[0] if parsed is not None else spec


def _command(args, names):
    # type: (Mapping[str, Any], List[str]) -> List[str]
    state = args["state"]
    system = ["--break-system-packages"] if args.get("break_system_packages") else []
    if state == "absent":
        return _pip(args) + ["uninstall", "-y"] + system + [_bare_name(n) for n in names]
    argv = _pip(args) + ["install"] + system
    if state == "latest":
        argv.append("-U")
    if state == "forcereinstall":
        argv += ["-U", "--force-reinstall"]
    argv += shlex.split(args.get("extra_args") or "")
    if args.get("requirements"):
        argv += ["-r", args["requirements"]]
    for name in names:
        argv += ["-e", name] if args["editable"] else [name]
    return argv


def _make_venv(args):
    # type: (Mapping[str, Any]) -> None
    venv = args["virtualenv"]
    command = shlex.split(args["virtualenv_command"])
    python = args.get("virtualenv_python")
    if command == ["virtualenv"] and shutil.which("virtualenv") is None:
        command = [python or "python3", "-m", "venv"]
    elif command[-2:] == ["-m", "venv"] and python:
        command = [python, "-m", "venv"]  # venv is made for the Python that runs it
    elif python:
        command += ["-p", python]
    if args["virtualenv_site_packages"]:
        command.append("--system-site-packages")
    _run(command + [venv], args)
    if not os.path.isfile(os.path.join(venv, "bin", "pip")):
        raise ModuleError("%s made %s without pip; use a virtualenv_command that installs pip "
                          "(e.g. python3 -m venv with python3-venv installed)" % (command[0], venv))


def apply(ctx, args, plan):
    # type: (Any, Mapping[str, Any], Plan) -> Dict[str, Any]
    if args.get("virtualenv") and not os.path.isfile(os.path.join(args["virtualenv"], "bin", "pip")):
        _make_venv(args)
    todo = plan.state["todo"]
    if not todo and not args.get("requirements"):
        return {"stdout": "", "stderr": ""}
    before = _freeze(args) if args.get("requirements") else None
    argv = _command(args, todo)
    _, out, err = _run(argv, args)
    result = {"cmd": " ".join(shlex.quote(w) for w in argv), "stdout": out,
              "stderr": err}  # type: Dict[str, Any]
    only_requirements = not todo and all(c.what == "requirements" for c in plan.changes)
    if before is not None and only_requirements and _freeze(args) == before:
        result["_unchanged"] = True
        result["msg"] = "requirements in %s were already installed" % args["requirements"]
    return result


def _freeze(args):
    # type: (Mapping[str, Any]) -> str
    return _run(_pip(args) + ["freeze", "--all"], args)[1]
