"""Fictional county government site (青山县人民政府) served over loopback HTTP.

* ``tests.site.model``  – the site as data: ``build_site(today)``, ``COLUMNS``,
  ``HOMEPAGES``, ``expected_findings(today)``.
* ``tests.site.disclosure`` – the 政府信息公开 section, 规范性文件, 政策解读 and annual
  reports, with ``expected_disclosure_findings(today)``.
* ``tests.site.server`` – ``FixtureSite`` (threads, 127.0.0.1 + 127.0.0.2) and
  ``python -m tests.site.server --port 8765 [--today YYYY-MM-DD]``.

See ``tests/site/SPEC.md`` for the design and the expected audit findings.

Nothing is imported eagerly here so that ``python -m tests.site.server`` does
not trigger runpy's "found in sys.modules" warning; the names below are
resolved lazily.
"""
from __future__ import annotations

__all__ = ["FixtureSite", "build_site", "COLUMNS", "HOMEPAGES", "expected_findings", "expected_disclosure_findings"]


def __getattr__(name: str):  # PEP 562 lazy re-exports
    if name == "FixtureSite":
        from .server import FixtureSite

        return FixtureSite
    if name in ("build_site", "COLUMNS", "HOMEPAGES", "expected_findings"):
        from . import model

        return getattr(model, name)
    if name == "expected_disclosure_findings":
        from . import disclosure

        return disclosure.expected_disclosure_findings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
