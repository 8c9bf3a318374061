"""PostgreSQL backend of jxc (``settings.DATABASES`` ENGINE; Django's, with lean transactions:
``base``) and the statement runner's pipeline (``pipeline``)."""
