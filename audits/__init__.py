"""govaudit audits: rules that judge crawled facts against the official indicators."""
