"""adisteme: a rules engine for Kazakhstan's methodologies of evaluating public servants."""

__version__ = "0.1.0"
