"""Schemas of the routine domain: the tree (routine, day, slot, entry, configs), sessions and logs, and the computed payloads."""
