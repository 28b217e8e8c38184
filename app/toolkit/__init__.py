"""The in-app toolkit: Cedefop's intervention types and monitoring section, and a reader API."""
