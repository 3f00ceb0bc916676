"""Hoshin: strategy deployment (Hoshin Kanri) joined with quarterly OKRs."""

__version__ = "0.1.0"
