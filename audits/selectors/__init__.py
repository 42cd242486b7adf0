"""Permission-aware reads, kept apart from the services that write."""
