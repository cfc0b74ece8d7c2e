"""Modules that run on the controller: they act on variables and the run itself.

debug, set_fact, assert, fail, meta and pause never touch a host; they read
and write the host's variables on the controller, so they cost no round trip.
"""

from corral.executor.actions.base import ACTIONS, Action, ActionContext, ActionOutcome

__all__ = ["ACTIONS", "Action", "ActionContext", "ActionOutcome"]
