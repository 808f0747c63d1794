"""govaudit reports: what the office uses.

- model.py    the report model, built from the audit tables (and crawl_runs / run_roots / columns);
- annual.py   the annual-report draft's data (政府信息公开工作年度报告: section 二 figures, section 五 text);
- build.py    renderers: self-contained HTML (inspector's dashboard), Markdown, JSON; write_reports();
- word.py     the annual-report draft as a Word document (python-docx);
- charts.py   matplotlib charts as inline SVG;
- serve.py    `govaudit serve`: Datasette on 127.0.0.1 with labelled tables.

Rectification tracking across runs lives in audits/tracking.py.
"""
