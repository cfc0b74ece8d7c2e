"""corral's benchmark harness (tests/bench/run): corral vs ansible-core vs pyinfra on the local fleet."""
