"""Which package manager a host has: the ``pkg_mgr`` fact and the ``package`` module's choice.

Stdlib only, Python 3.8 syntax. Shared by ``setup`` and ``_pkg_common`` so the
fact and the backend ``package`` picks always agree.
"""

import shutil

# (command on PATH, pkg_mgr name), in the order Ansible's pkg_mgr fact checks them
PKG_MGRS = (("apt-get", "apt"), ("dnf", "dnf"), ("yum", "yum"), ("apk", "apk"),
            ("pacman", "pacman"), ("zypper", "zypper"))


def pkg_mgr():
    # type: () -> str
    """The host's package manager, as Ansible's ``pkg_mgr`` fact names it, or "unknown"."""
    for command, name in PKG_MGRS:
        if shutil.which(command):
            return name
    return "unknown"
