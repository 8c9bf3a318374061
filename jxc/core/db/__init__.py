"""Database backends of jxc (``settings.DATABASES`` ENGINE)."""
