"""systemd: manage systemd units (Ansible's systemd / systemd_service)."""

from corral.modules._svc_systemd import ARGS, DOC, apply, inspect, plan

REQUIRES = ("_svc_systemd",)

__all__ = ["ARGS", "DOC", "REQUIRES", "apply", "inspect", "plan"]
