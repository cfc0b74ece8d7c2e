"""A host's facts, gathered group by group: reading one not gathered yet asks for it.

A play gathers only the groups its run reads (``fact_needs``); the groups it
would have gathered (as ansible-core would: its ``gather_subset``) but did not
are *pending*. The mappings templates see (the facts layer's variables and
``ansible_facts``) raise ``FactsMissing`` when a template reads a fact of a
pending group, whether by name, ``in`` or ``is defined``: the task runner
gathers that group on the host, then renders again. A fact never renders as
undefined because the analysis missed it. Iterating ``ansible_facts`` whole
(``| to_json``) cannot be intercepted: the analysis gathers every group for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from corral.modules.setup import GROUPS
from corral.templating import Layer
from corral.templating.unsafe import UnsafeDict, mark_unsafe

_FACT_GROUP = {fact: group for group, facts in GROUPS.items() for fact in facts}
_PREFIX = "ansible_"


class FactsMissing(Exception):
    """A template read a fact of ``groups`` that ``host`` has not gathered yet."""

    def __init__(self, host: str, groups: frozenset[str]) -> None:
        super().__init__(f"facts {', '.join(sorted(groups))} of {host} are not gathered yet")
        self.host = host
        self.groups = groups


class _Pending:
    """The groups of one host that are due but not gathered (shared by its two mappings)."""

    __slots__ = ("host", "groups")

    def __init__(self, host: str) -> None:
        self.host = host
        self.groups: set[str] = set()

    def check(self, fact: str) -> None:
        group = _FACT_GROUP.get(fact)
        if group is not None and group in self.groups:
            raise FactsMissing(self.host, frozenset({group}))


class PartialFacts(UnsafeDict):
    """``ansible_facts`` of a host: a fact of a pending group raises ``FactsMissing``."""

    __slots__ = ("_pending",)

    def __init__(self, values: Iterable[Any] = (), pending: _Pending | None = None) -> None:
        super().__init__(values)
        self._pending = pending

    def __missing__(self, key: Any) -> Any:
        if self._pending is not None and isinstance(key, str):
            self._pending.check(key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        if not dict.__contains__(self, key) and self._pending is not None and isinstance(key, str):
            self._pending.check(key)
        return dict.__contains__(self, key)

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default


class FactVars(dict[str, Any]):
    """The facts layer's variables: ``ansible_facts`` and each fact as ``ansible_<name>``."""

    __slots__ = ("_pending",)

    def __init__(self, pending: _Pending | None = None) -> None:
        super().__init__()
        self._pending = pending

    def _check(self, key: object) -> None:
        if self._pending is not None and isinstance(key, str) and key.startswith(_PREFIX):
            self._pending.check(key[len(_PREFIX):])

    def __missing__(self, key: Any) -> Any:
        self._check(key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        if not dict.__contains__(self, key):
            self._check(key)
            return False
        return True

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default

    def add_module_facts(self, returned: Mapping[str, Any]) -> None:
        """A module's ``ansible_facts`` (getent, package_facts, hostname): the variable
        keeps the name the module gave it, as in ansible-core (see host_vars)."""
        for key, value in returned.items():
            self.set_fact(key, value, key)

    def set_fact(self, key: str, value: Any, variable: str) -> None:
        """``key`` in ``ansible_facts`` (without its prefix) and as the variable ``variable``."""
        unsafe = mark_unsafe(value)
        bare = key[len(_PREFIX):] if key.startswith(_PREFIX) else key
        facts = dict.get(self, "ansible_facts")
        if isinstance(facts, dict):
            dict.__setitem__(facts, mark_unsafe(bare), unsafe)
        self[variable] = unsafe


class HostFacts:
    """One host's facts for the whole run: filled by each gathering, read through ``layer``."""

    def __init__(self, host: str) -> None:
        self._pending = _Pending(host)
        self.facts = PartialFacts((), self._pending)
        self.vars = FactVars(self._pending)
        self.vars["ansible_facts"] = self.facts
        self.gathered: set[str] = set()
        self.layer = Layer(name="facts", vars=self.vars, path=None, lines={})

    @property
    def pending(self) -> frozenset[str]:
        return frozenset(self._pending.groups)

    def due(self, groups: Iterable[str]) -> None:
        """ansible-core would have ``groups`` by now: those not gathered become pending."""
        self._pending.groups |= set(groups) - self.gathered

    def adopt(self, old: Mapping[str, Any]) -> None:
        """The facts of a layer made before any gathering (a module's ``ansible_facts``)."""
        for variable, value in old.items():
            if variable != "ansible_facts":
                self.vars[variable] = value
            elif isinstance(value, Mapping):
                for key, fact in value.items():
                    dict.__setitem__(self.facts, key, fact)

    def add(self, facts: Mapping[str, Any], groups: Iterable[str]) -> None:
        """Facts from a gathering of ``groups``, merged in (as ansible-core merges them)."""
        done = set(groups)
        self.gathered |= done
        self._pending.groups -= done
        for key, value in facts.items():
            self.vars.set_fact(key, value, key if key.startswith(_PREFIX) else _PREFIX + key)


def facts_missing(exc: BaseException | None) -> FactsMissing | None:
    """The ``FactsMissing`` behind ``exc`` (a template error wraps it: ``raise … from``).

    Only causes are followed, never the exception being handled when ``exc`` was
    raised: a gathering that fails while handling one is an error of its own.
    """
    seen = 0
    while exc is not None and seen < 16:
        if isinstance(exc, FactsMissing):
            return exc
        exc = exc.__cause__
        seen += 1
    return None
