"""A request that cannot be encoded fails alone: the session (and the host) goes on."""

from __future__ import annotations

import asyncio
import datetime

import pytest

from corral.errors import HostUnreachable, ProtocolError
from corral.transport.local import LocalConnection

ECHO = '''
from corral.modules._api import Arg, Plan
ARGS = {"value": Arg("raw")}
def inspect(ctx, args):
    return args["value"]
def plan(ctx, args, current):
    return Plan(reason="got %r" % (current,))
'''


def test_a_request_that_is_not_json_fails_alone() -> None:
    async def main() -> str:
        async with LocalConnection() as connection:
            agent = await connection.agent()
            with pytest.raises(ProtocolError) as caught:
                await agent.run("echo", ECHO, {"value": datetime.date(2024, 1, 1)}, False, False)
            assert not isinstance(caught.value, HostUnreachable)
            assert "cannot be sent as JSON" in str(caught.value)
            await agent.ping()
            result = await agent.run("echo", ECHO, {"value": "x"}, False, False)
            return str(result["msg"])

    assert asyncio.run(main()) == "got 'x'"
