"""PostgreSQL helpers of jxc (Django's own backend serves the connections)."""
