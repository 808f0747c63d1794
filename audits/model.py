"""What a rule is and what it returns."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from audits.context import SiteContext

CATEGORIES = ("不及时", "不准确", "不回应", "不实用", "不安全")
SEVERITIES = ("veto", "major", "minor")


@dataclass
class Finding:
    """One problem with one subject, as the findings contract defines it."""

    url: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None  # None: the rule's default
    page: str | None = None
    column: str | None = None
    subject: str | None = None  # fingerprint subject when it is not the URL


@dataclass(frozen=True)
class Rule:
    """A rule: metadata, thresholds (a Params dataclass) and a pure check."""

    id: str
    category: str
    severity: str
    title: str
    basis: str
    params: type
    check: Callable[[SiteContext, Any], Iterable[Finding]]
    requires: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"{self.id}: unknown category {self.category}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.id}: unknown severity {self.severity}")


class NotApplicable(Exception):
    """Raised by a check when the rule does not apply to this site (no input for it)."""


class NotChecked(Exception):
    """Raised by a check, after yielding what it could judge, for the subjects it could not.

    ``subjects`` maps each subject (a column, account or mailbox URL) to why, e.g. its page
    needed a browser and none was available.  The runner keeps the findings, and the rule's
    result says ``not_checked`` (when nothing else was found) with these subjects, instead
    of a guess such as "empty" or "stale".
    """

    def __init__(self, subjects: dict[str, str]) -> None:
        super().__init__(f"{len(subjects)} subject(s) not checked")
        self.subjects = subjects
