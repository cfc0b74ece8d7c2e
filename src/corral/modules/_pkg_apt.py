"""The apt backend (Debian, Ubuntu): dpkg-query to look, apt-get -s to plan, apt-get to act.

apt-get loads and resolves the whole index on every call (about a second of CPU with
Debian's full index): installing missing packages or removing installed ones runs
``apt-get`` once and reads what changed from dpkg's database before and after
(``snapshot``); ``apt-get -s`` is kept for check mode and where a version moves.

Stdlib only, Python 3.8 syntax. Used by the ``apt`` and ``package`` modules
through ``_pkg_common``. Every apt-get call is non-interactive
(``DEBIAN_FRONTEND=noninteractive``, ``-y``, keep existing config files) and
waits for the dpkg lock (``DPkg::Lock::Timeout``; the lists lock of
``apt-get update`` is retried by ``_pkg_common.run``).
"""

import os
import re
import time

from corral.modules._api import Arg, ModuleError
from corral.modules._pkg_common import ABSENT, Installed, failure, run

REQUIRES = ('_pkg_common',)

if False:  # typing for the type comments only: importing it costs a host ~2.5 ms a run
    from typing import Any, Dict, List, Mapping, Optional, Tuple  # noqa: F401 (type comments)

ARGS = {
    "cache_valid_time": Arg(int, default=0,
                            doc="Refresh the cache only if it is older than this many seconds "
                                "(implies update_cache). The refresh counts as a change only "
                                "when no package is named, as in Ansible."),
    "deb": Arg("path", doc="Path on the host of a .deb file to install (with its "
                           "dependencies, through apt-get)."),
    "purge": Arg(bool, default=False, doc="state=absent: also remove configuration files "
                                          "(and purge packages whose config files remain)."),
    "autoremove": Arg(bool, default=False, doc="Also remove dependencies nothing needs any "
                                               "more; without name: apt-get autoremove."),
    "allow_downgrade": Arg(bool, default=False,
                           aliases=("allow-downgrade", "allow_downgrades", "allow-downgrades"),
                           doc="Allow a version pin to install an older version."),
    "install_recommends": Arg(bool, aliases=("install-recommends",),
                              doc="Install recommended packages; default: apt's setting."),
    "default_release": Arg(str, aliases=("default-release",),
                           doc="Prefer packages from this release (apt-get -t)."),
    "dpkg_options": Arg(str, default="force-confdef,force-confold",
                        doc="dpkg options, comma-separated, each passed as "
                            "-o Dpkg::Options::=--OPTION."),
    "force_apt_get": Arg(bool, default=False, doc="Accepted for compatibility; corral always "
                                                  "uses apt-get."),
    "upgrade": Arg(str, default="no", choices=("no", "yes", "safe", "full", "dist"),
                   doc="Upgrade every installed package: yes/safe (apt-get upgrade "
                       "--with-new-pkgs), full/dist (apt-get dist-upgrade). name is not used "
                       "then, as in Ansible."),
    "only_upgrade": Arg(bool, default=False, doc="Only upgrade the named packages that are "
                                                 "installed; install none (--only-upgrade)."),
    "clean": Arg(bool, default=False, doc="Empty the archive of downloaded package files "
                                          "(apt-get clean); a change when it had files."),
    "autoclean": Arg(bool, default=False, doc="Drop downloaded package files that can no longer "
                                              "be downloaded (apt-get autoclean)."),
    "force": Arg(bool, default=False, doc="Allow downgrades, held and essential package changes "
                                          "(apt-get --allow-downgrades "
                                          "--allow-remove-essential --allow-change-held-packages)."
                                          " Dangerous."),
    "allow_unauthenticated": Arg(bool, default=False, aliases=("allow-unauthenticated",),
                                 doc="Install packages that cannot be authenticated."),
    "allow_change_held_packages": Arg(bool, default=False,
                                      doc="Allow changing packages that are on hold."),
    "fail_on_autoremove": Arg(bool, default=False,
                              doc="Fail rather than remove packages (apt-get --no-remove)."),
    "policy_rc_d": Arg(int, doc="Exit code of a temporary /usr/sbin/policy-rc.d during the "
                                "apt-get run: 101 keeps packages from starting services."),
}

ENV = {"DEBIAN_FRONTEND": "noninteractive", "APT_LISTCHANGES_FRONTEND": "none",
       "NEEDRESTART_MODE": "a"}
LOCK_MARKERS = ("Could not get lock", "Unable to lock", "Unable to acquire the dpkg frontend lock")
CACHE_STAMPS = ("/var/lib/apt/periodic/update-success-stamp", "/var/lib/apt/lists",
                "/var/lib/apt/lists/partial")
_QUERY_FORMAT = "${binary:Package}\t${Package}\t${Version}\t${db:Status-Abbrev}\n"
_INST = re.compile(r"^Inst (\S+)(?: \[([^\]]+)\])?(?: \((\S+))?")
_REMOVE = re.compile(r"^(Remv|Purg) (\S+)(?: \[([^\]]+)\])?")


class Apt(object):
    name = "apt"
    env = ENV  # for the housework commands (apt-get clean, autoclean)

    # --- look -------------------------------------------------------------------

    def query(self, specs, args):
        # type: (List[str], Mapping[str, Any]) -> Dict[str, Installed]
        """One dpkg-query for every name (a .deb path is read with dpkg-deb first)."""
        wanted = dict((spec, deb_identity(spec) if is_deb(spec) else split_pin(spec))
                      for spec in specs)
        names = sorted(set(name for name, _ in wanted.values()))
        done = run(["dpkg-query", "-W", "-f=" + _QUERY_FORMAT] + names, ok_codes=(0, 1))
        database = parse_dpkg_query(done.stdout)
        found = {}  # type: Dict[str, Installed]
        for spec, (name, version) in wanted.items():
            status = database.get(name)
            installed = status[0] if status and status[1] == "i" else None
            found[spec] = Installed(name, installed, version,
                                    residue=bool(status and status[1] == "c"))
        return found

    def snapshot(self):
        # type: () -> Dict[str, Optional[str]]
        """Every package dpkg knows: {name: version}, None for config files only."""
        done = run(["dpkg-query", "-W", "-f=" + _QUERY_FORMAT], ok_codes=(0, 1))
        return parse_snapshot(done.stdout)

    def newest(self, targets, installed, args):
        # type: (List[str], Mapping[str, Installed], Mapping[str, Any]) -> bool
        """state=latest: is every target installed at apt's candidate version? apt-cache
        policy reads apt's binary cache (milliseconds, where apt-get -s resolves the
        whole index); anything it cannot answer goes to the simulation."""
        argv = ["apt-cache"]
        if args.get("default_release"):
            argv += ["-o", "APT::Default-Release=%s" % args["default_release"]]
        done = run(argv + ["policy"] + [installed[t].name for t in targets], env=ENV, check=False)
        policy = parse_policy(done.stdout) if done.rc == 0 else {}
        return all(installed[t].version is not None
                   and policy.get(installed[t].name) == (installed[t].version, installed[t].version)
                   for t in targets)

    def simulate(self, op, targets, installed, args):
        # type: (str, List[str], Mapping[str, Installed], Mapping[str, Any]) -> List[Tuple[str, Any, Any]]
        """``apt-get -s``: the Inst/Remv/Purg lines, dependencies included."""
        done = run(apt_get(op, targets, args, simulate=True), env=ENV, check=False)
        if "will be DOWNGRADED" in done.stdout and not args.get("allow_downgrade"):
            raise ModuleError("apt would downgrade %s; set allow_downgrade: true to allow it" % (
                ", ".join(downgraded(done.stdout)) or "packages"), stdout=done.stdout)
        if done.rc != 0:
            raise failure(done)
        return parse_simulation(done.stdout)

    def cache_stale(self, args):
        # type: (Mapping[str, Any]) -> bool
        valid = args.get("cache_valid_time") or 0
        if not args.get("update_cache") and not valid:
            return False
        return not valid or time.time() - cache_mtime() > valid

    def cache_time(self):
        # type: () -> int
        """When the lists were last refreshed (Ansible's cache_update_time)."""
        return int(cache_mtime())

    # --- act --------------------------------------------------------------------

    def execute(self, op, targets, installed, args):
        # type: (str, List[str], Mapping[str, Installed], Mapping[str, Any]) -> List[Any]
        with PolicyRcD(args.get("policy_rc_d")):
            return [run(apt_get(op, targets, args), env=ENV, lock_timeout=_lock(args),
                        lock_markers=LOCK_MARKERS)]

    def housework(self, args):
        # type: (Mapping[str, Any]) -> List[Tuple[str, Optional[str], Optional[str], List[str]]]
        """clean (a change when the archive has package files) and autoclean (upkeep)."""
        work = []  # type: List[Tuple[str, Optional[str], Optional[str], List[str]]]
        if args.get("clean"):
            files = archived_packages()
            if files:
                work.append(("apt archives", "%d package files" % files, "cleaned",
                             ["apt-get", "clean"]))
        if args.get("autoclean"):
            work.append(("apt archives", None, None, ["apt-get", "-y", "autoclean"]))
        return work

    def cache_stamp(self):
        # type: () -> Optional[float]
        """When apt's index last changed: the update-success stamp, else the lists folder
        (Ansible compares the same before and after a refresh to say cache_updated)."""
        for path in ("/var/lib/apt/periodic/update-success-stamp", "/var/lib/apt/lists"):
            try:
                return os.stat(path).st_mtime
            except OSError:
                continue
        return None

    def update_cache(self, args):
        # type: (Mapping[str, Any]) -> Any
        argv = ["apt-get", "-q", "-o", "DPkg::Lock::Timeout=%d" % _lock(args), "update"]
        return run(argv, env=ENV, lock_timeout=_lock(args), lock_markers=LOCK_MARKERS)


def _lock(args):
    # type: (Mapping[str, Any]) -> int
    value = args.get("lock_timeout")
    return 60 if value is None else int(value)


def apt_get(op, targets, args, simulate=False):
    # type: (str, List[str], Mapping[str, Any], bool) -> List[str]
    """The apt-get command line for ``op`` (install, latest, remove) on ``targets``."""
    argv = ["apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=%d" % _lock(args)]
    for option in (args.get("dpkg_options") or "force-confdef,force-confold").split(","):
        if option.strip():
            argv += ["-o", "Dpkg::Options::=--" + option.strip().lstrip("-")]
    recommends = args.get("install_recommends")
    if recommends is True:
        argv += ["-o", "APT::Install-Recommends=yes"]
    elif recommends is False:
        argv.append("--no-install-recommends")
    if args.get("default_release"):
        argv += ["-t", str(args["default_release"])]
    argv += _flags(args)
    if simulate:
        argv.append("-s")
    if op == "upgrade":
        if args.get("upgrade") in ("full", "dist"):
            return argv + ["dist-upgrade"]
        return argv + ["--with-new-pkgs", "upgrade"]
    words = [os.path.abspath(t) if is_deb(t) else t for t in targets]
    if op == "remove":
        verb = "purge" if args.get("purge") else "remove"
        if not targets:
            verb = "autoremove"
            words = ["--purge"] if args.get("purge") else []
    else:
        verb = "install" if targets else "autoremove"
    if args.get("autoremove") and verb != "autoremove":
        argv.append("--auto-remove")
    return argv + [verb] + words


def _flags(args):
    # type: (Mapping[str, Any]) -> List[str]
    """apt-get options from the allow_*/force/only_upgrade/fail_on_autoremove arguments."""
    flags = []  # type: List[str]
    if args.get("allow_downgrade") or args.get("force"):
        flags.append("--allow-downgrades")
    if args.get("force"):
        flags.append("--allow-remove-essential")
    if args.get("allow_change_held_packages") or args.get("force"):
        flags.append("--allow-change-held-packages")
    if args.get("allow_unauthenticated"):
        flags.append("--allow-unauthenticated")
    if args.get("only_upgrade"):
        flags.append("--only-upgrade")
    if args.get("fail_on_autoremove"):
        flags.append("--no-remove")
    return flags


POLICY_RC_D = "/usr/sbin/policy-rc.d"


class PolicyRcD(object):
    """``with PolicyRcD(101):`` a policy-rc.d that exits with that code, for the
    apt-get run only; a policy-rc.d already there is put back afterwards."""

    def __init__(self, code):
        # type: (Optional[int]) -> None
        self.code = code
        self.saved = None  # type: Optional[str]

    def __enter__(self):
        # type: () -> PolicyRcD
        if self.code is None:
            return self
        if os.path.lexists(POLICY_RC_D):
            self.saved = POLICY_RC_D + ".corral-saved"
            os.rename(POLICY_RC_D, self.saved)
        with open(POLICY_RC_D, "w") as handle:
            handle.write("#!/bin/sh\nexit %d\n" % int(self.code))
        os.chmod(POLICY_RC_D, 0o755)
        return self

    def __exit__(self, *exc):
        # type: (Any) -> None
        if self.code is None:
            return
        os.unlink(POLICY_RC_D)
        if self.saved is not None:
            os.rename(self.saved, POLICY_RC_D)


def archived_packages():
    # type: () -> int
    """How many downloaded .deb files apt keeps in its archive."""
    total = 0
    for folder in ("/var/cache/apt/archives", "/var/cache/apt/archives/partial"):
        try:
            total += sum(1 for n in os.listdir(folder) if n.endswith(".deb"))
        except OSError:
            continue
    return total


# --- names, pins and .deb files ---------------------------------------------------

def is_deb(spec):
    # type: (str) -> bool
    return spec.endswith(".deb") and ("/" in spec or os.path.isfile(spec))


def split_pin(spec):
    # type: (str) -> Tuple[str, Optional[str]]
    """``nginx=1.22*`` -> (nginx, 1.22*); ``nginx`` -> (nginx, None)."""
    name, sep, version = spec.partition("=")
    return name, (version if sep else None)


def deb_identity(path):
    # type: (str) -> Tuple[str, str]
    """(Package, Version) from a .deb file's control data."""
    if not os.path.isfile(path):
        raise ModuleError("deb %s: no such file on the host" % path)
    done = run(["dpkg-deb", "-f", path, "Package", "Version"])
    fields = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    if "Package" not in fields or "Version" not in fields:
        raise ModuleError("deb %s: not a Debian package (no Package/Version field)" % path)
    return fields["Package"].strip(), fields["Version"].strip()


# --- parsing ----------------------------------------------------------------------------

def parse_dpkg_query(text):
    # type: (str) -> Dict[str, Tuple[str, str]]
    """{name: (version, status letter)}, under both ``pkg`` and ``pkg:arch`` names.

    The status letter is the second of ``db:Status-Abbrev``: i installed,
    c config files only, n not installed, U/F/W/t/H half-done states.
    """
    found = {}  # type: Dict[str, Tuple[str, str]]
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) < 4 or len(fields[3]) < 2:
            continue
        binary, name, version, abbrev = fields[:4]
        entry = (version, abbrev[1])
        for key in (binary, name):
            if key not in found or found[key][1] != "i":
                found[key] = entry
    return found


def parse_snapshot(text):
    # type: (str) -> Dict[str, Optional[str]]
    """{name: version} of installed (and half-installed) packages, None for config files
    only, from a dpkg-query of every package; not-installed entries are left out."""
    found = {}  # type: Dict[str, Optional[str]]
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) < 4 or len(fields[3]) < 2 or fields[3][1] == "n":
            continue
        version = None if fields[3][1] == "c" else fields[2]
        if found.get(fields[1]) is None:
            found[fields[1]] = version
    return found


def parse_policy(text):
    # type: (str) -> Dict[str, Tuple[Optional[str], Optional[str]]]
    """{name: (installed, candidate)} from ``apt-cache policy`` ("(none)" is None)."""
    found = {}  # type: Dict[str, Tuple[Optional[str], Optional[str]]]
    name, fields = None, {}  # type: Optional[str], Dict[str, Optional[str]]
    for line in text.splitlines() + ["end:"]:
        if line.endswith(":") and not line.startswith(" "):
            if name is not None and "Installed" in fields and "Candidate" in fields:
                found[name] = (fields["Installed"], fields["Candidate"])
            name, fields = line[:-1], {}
            continue
        key, sep, value = line.strip().partition(": ")
        if sep and key in ("Installed", "Candidate") and key not in fields:
            fields[key] = None if value.strip() == "(none)" else value.strip()
    return found


def parse_simulation(text):
    # type: (str) -> List[Tuple[str, Any, Any]]
    """(name, before, after) from apt-get -s: Inst upgrades/installs, Remv removals, Purg purges."""
    rows = []  # type: List[Tuple[str, Any, Any]]
    for line in text.splitlines():
        inst = _INST.match(line)
        if inst:
            name, old, new = inst.groups()
            rows.append((name, old or ABSENT, new or "installed"))
            continue
        gone = _REMOVE.match(line)
        if gone:
            kind, name, old = gone.groups()
            rows.append((name, old or ABSENT, "purged" if kind == "Purg" else ABSENT))
    return rows


def downgraded(text):
    # type: (str) -> List[str]
    """The names apt lists under "The following packages will be DOWNGRADED:"."""
    names, inside = [], False  # type: List[str], bool
    for line in text.splitlines():
        if line.startswith("The following packages will be DOWNGRADED"):
            inside = True
        elif inside and line.startswith(" "):
            names.extend(line.split())
        else:
            inside = False
    return names


def cache_mtime():
    # type: () -> float
    """When the package lists were last refreshed (0 if never)."""
    times = [0.0]
    for path in CACHE_STAMPS:
        try:
            times.append(os.stat(path).st_mtime)
        except OSError:
            continue
    return max(times)
