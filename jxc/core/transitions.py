"""Allowed state changes as data. One function enforces them; the UI derives its buttons
from the same table (``Workflow.actions_from``)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jxc.core.errors import InvalidTransition


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    action: str  # also the permission action: "<resource>.<action>"
    label: Any = ""
    needs_reason: bool = False
    # Taken by a service as a consequence (e.g. the last 归还 completes a loan), never a button.
    automatic: bool = False


class Workflow:
    def __init__(self, transitions: Iterable[Transition]):
        self.transitions = tuple(transitions)

    def find(self, source: str, *, action: str | None = None, target: str | None = None):
        for t in self.transitions:
            if t.source == source and (action is None or t.action == action):
                if target is None or t.target == target:
                    return t
        return None

    def actions_from(self, source: str, *, user=None, resource: str | None = None):
        """The transitions a user may take from ``source`` (all of them without a user)."""
        found = [t for t in self.transitions if t.source == source and not t.automatic]
        if user is not None and resource is not None:
            found = [t for t in found if user.has_jxc_perm(f"{resource}.{t.action}")]
        return found


def ensure_transition(
    workflow: Workflow, current: str, *, action: str | None = None, target: str | None = None
) -> Transition:
    """Return the declared transition or raise InvalidTransition (code ``invalid_transition``)."""
    found = workflow.find(current, action=action, target=target)
    if found is None:
        raise InvalidTransition(source=current, target=target or action or "")
    return found
