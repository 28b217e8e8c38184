"""Activity templates, the phase engine and its scheduler."""
