"""Run the real agent as a local subprocess (no SSH) and talk frames to it."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from corral.transport.bootstrap import agent_payload, loader_command
from corral.transport.framing import READY_LINE

PY38 = "/root/.pyenv/versions/3.8.18/bin/python3.8"
PYTHONS = [pytest.param(sys.executable, id="current")]
PYTHONS.append(pytest.param(PY38, id="py38", marks=pytest.mark.skipif(
    not os.path.exists(PY38), reason="python3.8 not installed")))


class AgentProcess:
    """A started agent with blocking frame helpers."""

    def __init__(self, python: str, home: str | None = None) -> None:
        env = dict(os.environ)
        if home is not None:
            env["HOME"] = home  # the agent keeps its code cache under ~/.cache/corral
        self.proc = subprocess.Popen(
            loader_command(python), shell=True, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, env=env)
        assert self.proc.stdin and self.proc.stdout
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.stdin.write(agent_payload())
        self.stdin.flush()
        assert self.stdout.readline() == READY_LINE
        self.hello = self.recv()
        self._next = 0

    def send_raw(self, data: bytes) -> None:
        self.stdin.write(data)
        self.stdin.flush()

    def send(self, obj: dict[str, Any]) -> None:
        body = json.dumps(obj).encode()
        self.send_raw(struct.pack(">I", len(body)) + body)

    def recv(self) -> dict[str, Any]:
        header = self.stdout.read(4)
        assert len(header) == 4, f"agent closed its output; stderr: {self.stderr()}"
        (size,) = struct.unpack(">I", header)
        frame: dict[str, Any] = json.loads(self.stdout.read(size))
        return frame

    def call(self, op: str, **fields: Any) -> dict[str, Any]:
        self._next += 1
        self.send({"id": self._next, "op": op, **fields})
        response = self.recv()
        assert response["id"] == self._next
        return response

    def close_input(self) -> int:
        self.stdin.close()
        return self.proc.wait(timeout=10)

    def stderr(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        assert self.proc.stderr
        return self.proc.stderr.read().decode(errors="replace")



def staging_of(agent: AgentProcess) -> Path:
    return Path(agent.hello["staging"])
