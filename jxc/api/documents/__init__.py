"""What every document's API shares, by what it does: ``lines`` (``LineIn`` / ``LineOut``
and their conversions), ``schemas`` (``HeaderOut``, ``ActionIn``, ``header_schemas`` from a
declared type) and ``endpoints`` (``document_endpoints``: the whole API of a declared type;
``action_endpoints``: its workflow steps).

Import from the module that holds a name; this package re-exports nothing.
"""
