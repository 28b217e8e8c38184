"""The WebSocket protocol: every frame either side sends, as pydantic models."""
