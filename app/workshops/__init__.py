"""Workshops, their groups and participants, join codes and tokens."""
