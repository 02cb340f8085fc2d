"""Taut: open-source clinic software for dry needling."""

__version__ = "0.1.0"
