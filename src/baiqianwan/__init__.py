"""Baiqianwan (百千万): the programme headquarters' platform."""

__version__ = "0.1.0"
