"""Gather facts about the host in one request (Ansible's `setup`, the common subset)."""

import os
import platform
import pwd
import socket
import struct
import sys

from corral.modules._api import Arg, Plan
from corral.modules._pkg_mgr import pkg_mgr
from corral.modules._svc_mgr import service_mgr

REQUIRES = ("_svc_mgr", "_pkg_mgr")  # service_mgr(), pkg_mgr(): shared with service, package

DOC = "Gather facts about the host: OS, distribution, hardware, network, Python, user."

ARGS = {
    "gather_subset": Arg(list, default=["all"], doc="Accepted for compatibility; corral gathers one fixed, fast set."),
    "filter": Arg(list, default=[], doc="Only return facts whose names match these shell-style patterns."),
}

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


def distribution_facts():
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


def gather():
    uname = platform.uname()
    hostname = socket.gethostname()
    user = pwd.getpwuid(os.getuid())
    facts = {
        "hostname": hostname.split(".")[0],
        "nodename": hostname,
        "fqdn": socket.getfqdn(),
        "system": uname.system,
        "kernel": uname.release,
        "kernel_version": uname.version,
        "architecture": uname.machine,
        "machine": uname.machine,
        "processor_vcpus": os.cpu_count() or 1,
        "processor_count": os.cpu_count() or 1,
        "memtotal_mb": _meminfo_mb(),
        "pkg_mgr": pkg_mgr(),
        "service_mgr": service_mgr(),
        "python_version": "%d.%d.%d" % sys.version_info[:3],
        "python": {"executable": sys.executable,
                   "version": {"major": sys.version_info[0], "minor": sys.version_info[1],
                               "micro": sys.version_info[2]}},
        "user_id": user.pw_name,
        "user_uid": user.pw_uid,
        "user_gid": user.pw_gid,
        "user_dir": user.pw_dir,
        "user_shell": user.pw_shell,
        "env": dict(os.environ),
    }
    facts.update(distribution_facts())
    facts.update(network_facts())
    return facts


def inspect(ctx, args):
    facts = gather()
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
