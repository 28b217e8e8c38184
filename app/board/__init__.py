"""Boards: notes, fields, ops and events, rooms and their delivery."""
