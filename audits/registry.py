"""The one ordered list of rules (spec/findings.md ids)."""

from __future__ import annotations

from audits.model import Rule
from audits.rules import column_empty, column_stale, dead_link, hidden_link, homepage_stale, metadata_missing, privacy_exposed, site_unreachable, soft_404, typo
from audits.rules import (
    annual_report_inconsistent,
    interpretation_hard_to_read,
    annual_report_late,
    annual_report_missing,
    disclosure_column_missing,
    interpretation_late,
    interpretation_missing,
    normative_doc_expired,
    normative_doc_incomplete,
    normative_doc_late,
)
from audits.rules import (
    consultation_channel_missing,
    service_guide_incomplete,
    site_search_broken,
    site_yearly_report_missing,
    standard_catalog_missing,
)
from audits.rules import mailbox_slow, mailbox_unanswered, newmedia_stale, newmedia_unreachable

RULES: tuple[Rule, ...] = (
    site_unreachable.RULE,
    homepage_stale.RULE,
    column_stale.RULE,
    column_empty.RULE,
    normative_doc_late.RULE,
    normative_doc_incomplete.RULE,
    normative_doc_expired.RULE,
    interpretation_missing.RULE,
    interpretation_late.RULE,
    mailbox_unanswered.RULE,
    mailbox_slow.RULE,
    newmedia_stale.RULE,
    newmedia_unreachable.RULE,
    annual_report_missing.RULE,
    annual_report_late.RULE,
    annual_report_inconsistent.RULE,
    disclosure_column_missing.RULE,
    dead_link.RULE,
    soft_404.RULE,
    typo.RULE,
    metadata_missing.RULE,
    hidden_link.RULE,
    interpretation_hard_to_read.RULE,
    privacy_exposed.RULE,
    service_guide_incomplete.RULE,
    consultation_channel_missing.RULE,
    site_search_broken.RULE,
    standard_catalog_missing.RULE,
    site_yearly_report_missing.RULE,
)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
