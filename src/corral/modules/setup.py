"""Gather facts about the host in one request (Ansible's `setup`, the common subset).

Facts come in groups (``GROUPS``: group -> the fact names it produces); a request
gathers only the groups it asks for, so a play that reads one fact does not pay
for the others (``fqdn`` may wait on DNS, ``pkg_mgr``/``service_mgr`` probe the
disk). ``gather_subset`` has Ansible's meaning (``all``, ``min``, ``!name``, …,
see ``subset_groups``); the controller asks for exact groups with ``_groups``.
"""

from corral.modules._api import Arg, ArgumentError, Plan

if False:  # typing for the type comments only
    from typing import Any, List, Set  # noqa: F401 (type comments)

REQUIRES = ("_svc_mgr", "_pkg_mgr")  # service_mgr(), pkg_mgr(): shared with service, package

DOC = "Gather facts about the host: OS, distribution, hardware, network, Python, user."

ARGS = {
    "gather_subset": Arg(list, default=["all"],
                         doc="Which facts, as Ansible's: `all`, `min`, `hardware`, `network`, "
                             "`platform`, `distribution`, …; `!name` leaves one out."),
    "filter": Arg(list, default=[], doc="Only return facts whose names match these shell-style patterns."),
}

# group -> the facts it produces (names without the ansible_ prefix). The controller
# reads this too (corral.executor.fact_needs): which group a fact it sees used needs.
GROUPS = {
    "platform": ("hostname", "nodename", "system", "kernel", "kernel_version", "architecture",
                 "machine", "python_version"),
    "fqdn": ("fqdn",),  # Ansible's platform subset; apart, because getfqdn may ask DNS
    "distribution": ("distribution", "distribution_version", "distribution_major_version",
                     "distribution_release", "os_family"),
    "hardware": ("processor_vcpus", "processor_count", "memtotal_mb"),
    "network": ("default_ipv4",),
    "pkg_mgr": ("pkg_mgr",),
    "service_mgr": ("service_mgr",),
    "python": ("python",),
    "user": ("user_id", "user_uid", "user_gid", "user_dir", "user_shell"),
    "env": ("env",),
}

# Ansible's subset names -> our groups. `min` is every group but hardware and network.
_MIN = ("platform", "fqdn", "distribution", "pkg_mgr", "service_mgr", "python", "user", "env")
_SUBSETS = {
    "min": _MIN, "platform": ("platform", "fqdn"), "hardware": ("hardware",),
    "network": ("network",), "distribution": ("distribution",), "pkg_mgr": ("pkg_mgr",),
    "service_mgr": ("service_mgr",), "python": ("python",), "user": ("user",), "env": ("env",),
}
# A group Ansible's collector for it needs: gathered with it even when left out.
_NEEDS = {"hardware": ("platform", "fqdn"), "network": ("platform", "fqdn", "distribution"),
          "pkg_mgr": ("distribution",), "service_mgr": ("platform", "fqdn", "distribution")}
# Subset names Ansible accepts and corral has no facts for (they select nothing).
_EMPTY = (
    "all_ipv4_addresses", "all_ipv6_addresses", "apparmor", "caps", "chroot", "cmdline",
    "date_time", "default_ipv6", "devices", "dns", "effective_group_ids", "effective_user_id",
    "facter", "fibre_channel_wwn", "fips", "interfaces", "is_chroot", "iscsi", "loadavg", "local",
    "lsb", "machine_id", "mounts", "nvme", "ohai", "processor", "processor_cores", "real_user_id",
    "selinux", "ssh_host_key_dsa_public", "ssh_host_key_ecdsa_public",
    "ssh_host_key_ed25519_public", "ssh_host_key_rsa_public", "ssh_host_pub_keys",
    "ssh_pub_keys", "system_capabilities", "system_capabilities_enforced", "systemd",
    "user_gecos", "virtual", "virtualization_role", "virtualization_tech_guest",
    "virtualization_tech_host", "virtualization_type",
)


def _subset(name):
    """The groups one subset name selects (a fact's own name selects its group)."""
    if name in _SUBSETS:
        return _SUBSETS[name]
    for group, facts in GROUPS.items():
        if name in facts:
            return (group,)
    if name in _EMPTY:
        return ()
    return None


def subset_groups(subset):
    # type: (Any) -> List[str]
    """The groups a ``gather_subset`` list selects, with ansible-core's rules.

    `min` is always selected unless `!min`; `all` adds every group; `!all` leaves
    out all but `min`; `!name` leaves out a name (an unknown one is ignored) from
    what `all`/`min` brought, never a name given itself; an unknown name to add is
    an error. The groups a selected group's collector needs (``_NEEDS``) come back.
    """
    bulk = set(_MIN)
    named = set()  # type: Set[str]
    left_out = set()  # type: Set[str]
    for entry in [str(s).strip() for s in subset]:
        exclude = entry.startswith("!")
        name = entry[1:] if exclude else entry
        if name == "all":
            if exclude:
                left_out.update(set(GROUPS) - set(_MIN))
            else:
                bulk.update(GROUPS)
            continue
        groups = _subset(name)
        if groups is None and not exclude:
            allowed = ", ".join(sorted(set(_SUBSETS) | set(_EMPTY) | {"all"} | {
                f for facts in GROUPS.values() for f in facts}))
            raise ArgumentError("Bad subset %r given to gather_subset; allowed: %s" % (name, allowed))
        if exclude:
            left_out.update(groups or ())
        elif name == "min":
            bulk.update(groups or ())
        else:
            named.update(groups or ())
    selected = (bulk - left_out) | named
    for group in list(selected):
        selected.update(_NEEDS.get(group, ()))
    return [g for g in GROUPS if g in selected]


def _os_release():
    values = {}
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        try:
            with open(path) as handle:
                for line in handle:
                    key, sep, value = line.strip().partition("=")
                    if sep:
                        values[key] = value.strip().strip('"').strip("'")
            break
        except OSError:
            continue
    return values


def _debian_version(release):
    try:
        with open("/etc/debian_version") as handle:
            text = handle.read().strip()
        if text and text[0].isdigit():
            return text
    except OSError:
        pass
    return release.get("VERSION_ID", "")


_OS_FAMILY = {
    "debian": "Debian", "ubuntu": "Debian", "linuxmint": "Debian", "raspbian": "Debian",
    "rhel": "RedHat", "centos": "RedHat", "rocky": "RedHat", "almalinux": "RedHat",
    "fedora": "RedHat", "ol": "RedHat", "amzn": "RedHat",
    "alpine": "Alpine", "arch": "Archlinux", "manjaro": "Archlinux",
    "sles": "Suse", "opensuse-leap": "Suse", "opensuse-tumbleweed": "Suse", "opensuse": "Suse",
    "gentoo": "Gentoo",
}
_DISTRIBUTION = {
    "debian": "Debian", "ubuntu": "Ubuntu", "rhel": "RedHat", "centos": "CentOS",
    "rocky": "Rocky", "almalinux": "AlmaLinux", "fedora": "Fedora", "alpine": "Alpine",
    "arch": "Archlinux", "sles": "SLES", "opensuse-leap": "openSUSE Leap", "amzn": "Amazon",
    "ol": "OracleLinux", "linuxmint": "Linux Mint",
}


def distribution_facts():
    import platform
    release = _os_release()
    ident = release.get("ID", "").lower()
    version = release.get("VERSION_ID", "")
    if ident == "debian":
        version = _debian_version(release)
    family = _OS_FAMILY.get(ident)
    if family is None:
        for like in release.get("ID_LIKE", "").split():
            family = _OS_FAMILY.get(like.lower())
            if family:
                break
    return {
        "distribution": _DISTRIBUTION.get(ident, release.get("NAME", platform.system())),
        "distribution_version": version,
        "distribution_major_version": version.split(".")[0] if version else "",
        "distribution_release": release.get("VERSION_CODENAME", ""),
        "os_family": family or platform.system(),
    }


def _meminfo_mb():
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _default_interface():
    import socket
    import struct
    try:
        with open("/proc/net/route") as handle:
            next(handle)
            for line in handle:
                fields = line.split()
                if len(fields) > 2 and fields[1] == "00000000":
                    gateway = socket.inet_ntoa(struct.pack("<L", int(fields[2], 16)))
                    return fields[0], gateway
    except (OSError, ValueError, StopIteration):
        pass
    return None, None


def _interface_address(name):
    import socket
    import struct
    try:
        import fcntl
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            packed = fcntl.ioctl(sock.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))
            return socket.inet_ntoa(packed[20:24])
        finally:
            sock.close()
    except (OSError, ImportError):
        return None


def network_facts():
    interface, gateway = _default_interface()
    if interface is None:
        return {"default_ipv4": {}}
    return {"default_ipv4": {"interface": interface, "address": _interface_address(interface),
                             "gateway": gateway}}


def platform_facts():
    import platform
    import socket
    import sys
    uname = platform.uname()
    hostname = socket.gethostname()
    return {
        "hostname": hostname.split(".")[0],
        "nodename": hostname,
        "system": uname.system,
        "kernel": uname.release,
        "kernel_version": uname.version,
        "architecture": uname.machine,
        "machine": uname.machine,
        "python_version": "%d.%d.%d" % sys.version_info[:3],
    }


def fqdn_facts():
    import socket
    return {"fqdn": socket.getfqdn()}


def hardware_facts():
    import os
    count = os.cpu_count() or 1
    return {"processor_vcpus": count, "processor_count": count, "memtotal_mb": _meminfo_mb()}


def pkg_mgr_facts():
    from corral.modules._pkg_mgr import pkg_mgr
    return {"pkg_mgr": pkg_mgr()}


def service_mgr_facts():
    from corral.modules._svc_mgr import service_mgr
    return {"service_mgr": service_mgr()}


def python_facts():
    import sys
    return {"python": {"executable": sys.executable,
                       "version": {"major": sys.version_info[0], "minor": sys.version_info[1],
                                   "micro": sys.version_info[2]}}}


def user_facts():
    import os
    import pwd
    user = pwd.getpwuid(os.getuid())
    return {"user_id": user.pw_name, "user_uid": user.pw_uid, "user_gid": user.pw_gid,
            "user_dir": user.pw_dir, "user_shell": user.pw_shell}


def env_facts():
    import os
    return {"env": dict(os.environ)}


_GATHERERS = {
    "platform": platform_facts, "fqdn": fqdn_facts, "distribution": distribution_facts,
    "hardware": hardware_facts, "network": network_facts, "pkg_mgr": pkg_mgr_facts,
    "service_mgr": service_mgr_facts, "python": python_facts, "user": user_facts,
    "env": env_facts,
}


def gather(groups=None):
    """The facts of ``groups`` (every group when None), in ``GROUPS`` order."""
    facts = {}
    for group in GROUPS:
        if groups is None or group in groups:
            facts.update(_GATHERERS[group]())
    return facts


def _requested(args):
    """The groups asked for: the controller's exact ``_groups``, else ``gather_subset``'s."""
    exact = args.get("_groups")
    if exact is not None:
        unknown = [g for g in exact if g not in GROUPS]
        if unknown:
            raise ArgumentError("unknown fact groups %s; known: %s" % (unknown, ", ".join(GROUPS)))
        return list(exact)
    subset = args.get("gather_subset")
    if isinstance(subset, str):  # "!all,network": Ansible splits on commas
        subset = subset.split(",")
    return subset_groups(subset if subset is not None else ["all"])


def inspect(ctx, args):
    facts = gather(_requested(args))
    patterns = args.get("filter") or []
    if patterns:
        import fnmatch
        facts = dict((k, v) for k, v in facts.items()
                     if any(fnmatch.fnmatch(k, p) or fnmatch.fnmatch("ansible_" + k, p) for p in patterns))
    return facts


def plan(ctx, args, current):
    return Plan(reason="facts gathered", data={"ansible_facts": current})


def apply(ctx, args, plan):  # never called: gathering facts changes nothing
    return None
