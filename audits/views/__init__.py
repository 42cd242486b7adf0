"""Web pages. Views read through `visible_to()` and write through services, like the API."""
