"""HTTP and WebSocket endpoints: thin layers over the domain packages."""
