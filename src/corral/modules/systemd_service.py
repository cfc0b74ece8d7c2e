"""systemd_service: the same module as systemd, under Ansible's newer name."""

from corral.modules._svc_systemd import ARGS, DOC, apply, inspect, plan

REQUIRES = ("_svc_systemd",)

__all__ = ["ARGS", "DOC", "REQUIRES", "apply", "inspect", "plan"]
