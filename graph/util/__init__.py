"""Utilities every stage may use: progress feedback, atomic writes, process helpers."""
