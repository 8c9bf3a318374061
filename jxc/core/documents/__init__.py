"""The document kernel every business paper shares: ``models`` (the abstract header and
line tables), ``actions`` (numbering, ``take_action`` and the plain workflow steps), ``lines``
(lines as entered and their checks, pure) and ``lots`` (which lots an issue takes, pure).

Import from the module that holds a name; this package re-exports nothing.
"""
