"""Flipchart: real-time collaborative sticky-note boards for facilitated workshops."""
