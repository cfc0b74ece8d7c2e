from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from corral.templating import CorralEnvironment, Templar


@pytest.fixture
def env() -> CorralEnvironment:
    return CorralEnvironment()


@pytest.fixture
def templar(env: CorralEnvironment) -> Callable[..., Templar]:
    def make(variables: Mapping[str, Any] | None = None) -> Templar:
        return Templar(env, variables or {})

    return make
