"""Delivery: sockets, rooms and the backplanes that carry room messages between processes."""
