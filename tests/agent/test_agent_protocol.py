"""The agent program itself, as a real subprocess, under today's Python and 3.8."""

from __future__ import annotations

import ast
import base64
import hashlib
import os
import signal
import struct
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from corral.transport.bootstrap import agent_program

from .agent_harness import AgentProcess, staging_of

ROOT = Path(__file__).resolve().parents[2]

TOUCH = '''
import os
from corral.modules._api import Arg, Change, Plan

ARGS = {"path": Arg("path", required=True)}

def inspect(ctx, args):
    print("module output must not reach the frame channel")
    os.system("echo from a child process; cat >/dev/null")
    return os.path.exists(args["path"])

def plan(ctx, args, current):
    if current:
        return Plan(reason="%s already exists" % args["path"])
    return Plan([Change("exists", False, True)])

def apply(ctx, args, plan):
    open(args["path"], "w").close()
'''

RAISES = '''
def inspect(ctx, args):
    raise RuntimeError("boom")
'''

EXITS = '''
import sys
def inspect(ctx, args):
    sys.exit(3)
'''


def pack(source: str) -> dict[str, str]:
    raw = source.encode()
    return {"sha": hashlib.sha256(raw).hexdigest(),
            "source": base64.b64encode(zlib.compress(raw)).decode()}


def run(agent: AgentProcess, name: str, source: str, send_source: bool = True,
        **args: object) -> dict[str, Any]:
    packed = pack(source)
    if not send_source:
        del packed["source"]
    return agent.call("run", module=name, args=args, check=False, diff=False, **packed)


@pytest.mark.parametrize("path", ["src/corral/agent/remote.py", "src/corral/agent/start.py",
                                  "src/corral/modules/_api.py"])
def test_agent_sources_are_python38_syntax(path: str) -> None:
    ast.parse((ROOT / path).read_text(), feature_version=(3, 8))


def test_sent_program_is_python38_syntax() -> None:
    ast.parse(agent_program(), feature_version=(3, 8))


def test_hello_names_protocol_and_python(agent: AgentProcess) -> None:
    hello = agent.hello
    assert hello["op"] == "hello" and hello["protocol"] == 2
    assert len(hello["python"]) == 3 and hello["python"] >= [3, 8, 0]
    assert hello["uid"] == os.getuid() and hello["pid"] > 0
    assert staging_of(agent).is_dir()


def test_ping(agent: AgentProcess) -> None:
    response = agent.call("ping")
    assert response["ok"] is True and response["result"]["pong"] is True


def test_run_module_then_cached_without_source(agent: AgentProcess, tmp_path: Path) -> None:
    target = tmp_path / "flag"
    first = run(agent, "touch", TOUCH, path=str(target))
    assert first["ok"], first
    assert first["result"]["status"] == "changed"
    assert target.exists()
    again = run(agent, "touch", TOUCH, send_source=False, path=str(target))
    assert again["result"]["status"] == "ok"
    assert again["result"]["msg"] == f"{target} already exists"


def test_unknown_module_without_source_asks_for_it(agent: AgentProcess) -> None:
    response = run(agent, "touch", TOUCH, send_source=False, path="/x")
    assert response["ok"] is False and response["error"]["type"] == "need_source"


def test_source_not_matching_sha_is_refused(agent: AgentProcess) -> None:
    packed = pack(TOUCH)
    packed["sha"] = "0" * 64
    response = agent.call("run", module="touch", args={}, check=False, diff=False, **packed)
    assert response["error"]["type"] == "bad_source"


@pytest.mark.parametrize("source", [RAISES, EXITS], ids=["raises", "sys_exit"])
def test_agent_survives_a_failing_module(agent: AgentProcess, source: str) -> None:
    response = run(agent, "bad", source)
    assert response["ok"], response
    assert response["result"]["status"] == "failed"
    assert response["result"]["msg"] in ("RuntimeError: boom", (
        "module bad tried to exit the agent (exit code 3); a module must return or raise ModuleError"))
    assert agent.call("ping")["ok"]


def test_module_that_does_not_load_is_reported(agent: AgentProcess) -> None:
    response = run(agent, "broken", "def oops(:\n")
    assert response["error"]["type"] == "module_load"
    assert "SyntaxError" in response["error"]["msg"]
    assert agent.call("ping")["ok"]


def test_bad_requests_are_answered_and_survived(agent: AgentProcess) -> None:
    assert agent.call("frobnicate")["error"]["type"] == "unknown_op"
    agent.send_raw(struct.pack(">I", 5) + b"nope!")
    assert agent.recv()["error"]["type"] == "bad_request"
    assert agent.call("run")["error"]["type"] == "bad_request"  # no module named
    assert agent.call("ping")["ok"]


def test_oversize_frame_is_refused_before_buffering(agent: AgentProcess) -> None:
    agent.send_raw(struct.pack(">I", 1 << 30))  # announce 1 GiB, send none of it
    started = time.monotonic()
    response = agent.recv()
    assert response == {"id": None, "ok": False, "error": response["error"]}
    assert response["error"]["type"] == "frame_too_large"
    assert agent.proc.wait(timeout=10) == 2
    assert time.monotonic() - started < 5
    assert not staging_of(agent).exists()


def test_put_streams_chunks_without_replies(agent: AgentProcess) -> None:
    data = [os.urandom(1000), b"", os.urandom(70000)]
    agent.send({"op": "put_begin", "put": 7})
    for chunk in data:
        agent.send({"op": "put_chunk", "put": 7, "data": base64.b64encode(chunk).decode()})
    digest = hashlib.sha256(b"".join(data)).hexdigest()
    response = agent.call("put_end", put=7, sha256=digest)
    assert response["ok"], response
    staged = Path(response["result"]["path"])
    assert staged.parent == staging_of(agent)
    assert staged.read_bytes() == b"".join(data)


def test_put_with_wrong_checksum_fails_and_leaves_nothing(agent: AgentProcess) -> None:
    agent.send({"op": "put_begin", "put": 1})
    agent.send({"op": "put_chunk", "put": 1, "data": base64.b64encode(b"abc").decode()})
    response = agent.call("put_end", put=1, sha256="f" * 64)
    assert response["error"]["type"] == "put_failed"
    assert list(staging_of(agent).iterdir()) == []


def test_exit_op_cleans_staging(agent: AgentProcess) -> None:
    agent.send({"op": "put_begin", "put": 1})
    assert agent.call("exit")["result"] == {"bye": True}
    assert agent.proc.wait(timeout=10) == 0
    assert not staging_of(agent).exists()


def test_end_of_input_exits_cleanly_and_removes_staging(agent: AgentProcess) -> None:
    agent.send({"op": "put_begin", "put": 1})
    agent.send({"op": "put_chunk", "put": 1, "data": base64.b64encode(b"x" * 100).decode()})
    assert agent.call("ping")["ok"]
    assert any(staging_of(agent).iterdir())
    assert agent.close_input() == 0
    assert not staging_of(agent).exists()


def test_sigterm_removes_staging(agent: AgentProcess) -> None:
    assert agent.call("ping")["ok"]
    os.kill(agent.hello["pid"], signal.SIGTERM)
    assert agent.proc.wait(timeout=10) != 0
    assert not staging_of(agent).exists()


DATACLASS_COPY = '''
from __future__ import annotations
from dataclasses import dataclass
from corral.modules._api import Plan

@dataclass
class Seen:
    name: str

def inspect(ctx, args):
    import copy
    return Seen(copy.__name__ + ":" + __name__)

def plan(ctx, args, current):
    return Plan(reason=current.name)
'''


def test_module_named_like_stdlib_with_dataclass_loads_without_shadowing(
        agent: AgentProcess) -> None:
    response = run(agent, "copy", DATACLASS_COPY)
    assert response["ok"], response
    assert response["result"]["msg"] == "copy:corral.modules.copy"
