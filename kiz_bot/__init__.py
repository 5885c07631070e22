"""KIZ bot: a multilingual advisor for a municipal integration centre."""

__version__ = "0.1.0"
