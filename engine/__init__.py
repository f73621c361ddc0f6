"""adisteme: a rules engine for Kazakhstan's methodologies of evaluating public servants."""

from .version import __version__

__all__ = ["__version__"]
