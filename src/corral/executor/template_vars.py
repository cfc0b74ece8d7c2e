"""The variables ansible-core defines only while rendering a template file.

``ansible_managed`` (its default text, until corral reads ansible.cfg) is one
real role templates expect; it is not a variable anywhere else, as in Ansible.
"""

from __future__ import annotations

from types import MappingProxyType

from corral.templating import Layer, Templar, TemplatedVars, VariableStack

ANSIBLE_MANAGED = "Ansible managed"
_TEMPLATE_LAYER = Layer(name="template variables",
                        vars=MappingProxyType({"ansible_managed": ANSIBLE_MANAGED}))


def template_templar(templar: Templar) -> Templar:
    """``templar`` with the template-only variables on top (host data stays as it is)."""
    raw = templar.variables.raw
    if not isinstance(raw, VariableStack):
        return templar
    return Templar(templar.env, TemplatedVars(raw.push(_TEMPLATE_LAYER), templar.env))
