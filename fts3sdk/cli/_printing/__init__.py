"""Printing for the ``fts3sdk`` command: JSON for scripts, aligned pairs and tables for people (rich on demand)."""
