"""The approval policy hook of the document platform (ARCHITECTURE.md §6).

A document owns its state; whether a step needs approval, who may take it and what is
recorded is policy, kept by the ``approvals`` app. The kernel cannot import that app, so it
asks whatever policy is installed here; the default needs no approval and changes nothing.
``jxc.approvals`` installs its own from ``AppConfig.ready``::

    from jxc.core.documents.approval import install
    install(MyPolicy())

``take_action`` calls ``gate`` for every workflow step of every declared document, inside
its transaction with the document row locked; the screens ask ``permitted`` for the buttons,
and the document form's "保存并过账" asks ``needs_approval`` before offering the button and
again between 提交 and 审核.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Gate:
    """What the policy says about one workflow step.

    ``authorised``: the policy itself decided who may act (an approval step's role or users,
    the submitter withdrawing), so the resource permission is not asked as well.
    ``proceed``: take the transition now; False records the decision but keeps the status
    (one step of several is approved, the next approvers are waiting)."""

    authorised: bool = False
    proceed: bool = True


PLAIN = Gate()


class ApprovalPolicy:
    """No approval is ever needed: the default, and what core's tests run with."""

    def needs_approval(self, doc: Any, *, user: Any = None) -> bool:
        """Does ``doc`` wait (or would it, once submitted) for approvers?"""
        return False

    def prefetch(self, doc: Any, *, action: str, user: Any) -> tuple[str, list[Any]] | None:
        """A statement (SQL, parameters) whose one row ``gate`` will want for this step, or
        None: ``take_action`` reads it with the document's row (one round trip) and hands
        the row to ``gate`` as ``prefetched``."""
        return None

    def silent(self, prefetched: tuple[Any, ...] | None) -> bool:
        """Given the row ``prefetch`` named (None: it named none), the policy has nothing to
        decide or record for any step of the document (no rule for its type, no round ever
        opened for it): ``take_actions`` may then take several steps in one transaction on
        that one answer, asking ``gate`` with it for each."""
        return True

    def gate(
        self,
        doc: Any,
        *,
        action: str,
        user: Any,
        reason: str = "",
        prefetched: tuple[Any, ...] | None = None,
    ) -> Gate:
        """Check and record ``action`` on the locked ``doc``; raise a DomainError to refuse."""
        return PLAIN

    def may(self, doc: Any, *, action: str, user: Any) -> bool | None:
        """Whether ``user`` may take ``action`` now (the buttons); None: the permission says."""
        return None


_installed: list[ApprovalPolicy] = [ApprovalPolicy()]


def install(policy: ApprovalPolicy) -> None:
    _installed[0] = policy


def policy() -> ApprovalPolicy:
    return _installed[0]


def needs_approval(kind: str, document: Any = None) -> bool:
    """True when a rule asks for an approval of this document. Before the document exists
    nothing can be known (the rules read its lines): False, and the question is asked again
    once it is submitted."""
    if document is None or not getattr(document, "pk", None):
        return False
    return policy().needs_approval(document)


def permitted(doc: Any, action: str, *, user: Any, resource: str) -> bool:
    """May ``user`` take ``action`` on ``doc`` now: the policy's word, else the permission."""
    verdict = policy().may(doc, action=action, user=user)
    if verdict is None:
        return bool(user.has_jxc_perm(f"{resource}.{action}"))
    return verdict
