"""The one ordered list of rules (spec/findings.md ids)."""

from __future__ import annotations

from audits.model import Rule
from audits.rules import column_empty, column_stale, dead_link, hidden_link, homepage_stale, site_unreachable, soft_404

RULES: tuple[Rule, ...] = (
    site_unreachable.RULE,
    homepage_stale.RULE,
    column_stale.RULE,
    column_empty.RULE,
    # (disclosure and document rules go here, in findings.md order)
    dead_link.RULE,
    soft_404.RULE,
    hidden_link.RULE,
)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
