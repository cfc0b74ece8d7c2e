"""corral: infrastructure automation over SSH."""

__version__ = "0.1.0"
