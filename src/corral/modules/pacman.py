"""pacman: install, upgrade and remove Arch packages (Ansible's ``community.general.pacman``)."""

from corral.modules._pkg_common import common_args, entry_points
from corral.modules._pkg_pacman import ARGS as PACMAN_ARGS
from corral.modules._pkg_pacman import Pacman

DOC = ("Manage Arch packages with pacman: install (a list in one pacman call), upgrade "
       "to the latest, remove, refresh the databases (-Sy). Check mode reports pacman "
       "--print.")
REQUIRES = ("_pkg_common", "_pkg_pacman")

ARGS = common_args()
ARGS.update(PACMAN_ARGS)

inspect, plan, apply = entry_points(Pacman())
