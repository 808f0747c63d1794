"""The HTML report in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

The page is opened from a file with every other request refused, so it must
be self-contained; the scorecard and the charts must be visible, the filters
and the sort must work, and the print style must hide the controls. A
screenshot (report.png) is left in the test's folder.
"""

from __future__ import annotations

import os

import pytest

from reports.build import write_reports
from tests.test_reports_tracking import two_runs

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium not installed")


def test_report_renders_in_chromium(tmp_path):
    from playwright.sync_api import sync_playwright

    f, _, _ = two_runs(tmp_path)
    html = write_reports(f.db, tmp_path / "out", ["html"])[0]
    n_findings = f.db.execute("SELECT count(*) FROM findings WHERE audit_run_id = (SELECT max(id) FROM audit_runs)").fetchone()[0]
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", lambda route: (requests.append(route.request.url), route.continue_() if route.request.url.startswith("file:") else route.abort()))
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(html.as_uri())
            assert [u for u in requests if not u.startswith("file:")] == []
            assert errors == []
            for i in (1, 2):
                card = page.locator(f"#scorecard{i}")
                assert card.is_visible()
                assert card.locator("tr.sc-triggered").count() == 1
                chart = page.locator(f"#chart{i} svg.chart")
                assert chart.is_visible()
                box = chart.bounding_box()
                assert box and box["width"] > 600 and box["height"] > 150
            assert page.locator("#scorecard1 tr.sc-triggered td").first.inner_text() == "安全问题（暗链、篡改）"
            # the chart's paths really were drawn (bars and lines)
            assert page.locator("#chart1 svg.chart path").count() > 20
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

            rows = page.locator("tr.finding")
            assert rows.count() == n_findings
            page.select_option("#f-cat", "不安全")
            assert page.locator("tr.finding:visible").count() == 1
            page.select_option("#f-cat", "")
            page.select_option("#f-status", "new")
            assert page.locator("tr.finding:visible").count() == 2
            page.select_option("#f-status", "")
            page.fill("#filter", "人事信息")
            assert page.locator("tr.finding:visible").count() == 1
            assert page.locator("#shown").inner_text() == f"显示 1 / {n_findings} 个问题"
            page.fill("#filter", "")
            # sorting the freshness table by "距今（天）"
            table = page.locator("table.freshness").first
            table.locator("th", has_text="距今").click()
            days = [t for t in table.locator("tbody tr td:nth-child(5)").all_inner_texts()]
            nums = [int(d) for d in days if d != "—"]
            assert nums == sorted(nums)
            page.emulate_media(media="print")
            assert not page.locator("#controls").is_visible()
            assert page.locator("#scorecard1").is_visible()
        finally:
            browser.close()
    assert (tmp_path / "report.png").stat().st_size > 50_000
