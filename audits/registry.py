"""The one ordered list of rules (spec/findings.md ids)."""

from __future__ import annotations

from audits.model import Rule
from audits.rules import column_empty, column_stale, homepage_stale, site_unreachable

RULES: tuple[Rule, ...] = (
    site_unreachable.RULE,
    homepage_stale.RULE,
    column_stale.RULE,
    column_empty.RULE,
)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
