"""Zona: Zona Integritas (WBK/WBBM) building, evaluation and monitoring."""

__version__ = "0.1.0"
