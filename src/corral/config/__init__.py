"""ansible.cfg and ANSIBLE_* settings corral honours."""

from .ansible_cfg import AnsibleConfig, load_ansible_config

__all__ = ["AnsibleConfig", "load_ansible_config"]
