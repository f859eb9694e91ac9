"""Accord: prevent and resolve social conflicts early, fairly and lawfully."""

__version__ = "0.1.0"
