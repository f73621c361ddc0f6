"""The engine's version, in one place (receipts record it)."""

__version__ = "0.1.0"
