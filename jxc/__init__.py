"""jxc 进销存: purchase, sales and inventory for small and mid-sized businesses."""

__version__ = "0.1.0"
