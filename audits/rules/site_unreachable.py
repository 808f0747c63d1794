"""site-unreachable: the home page could not be fetched in this run.

检查内容: 站点首页能否打开。
依据: 《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决“站点无法访问”。
判定方法: 本次抓取中首页（重试后）仍无法打开（超时、连接失败、HTTP 4xx/5xx）→ major。
          7 天内探测失败率 ≥ 5% 的单项否决由探测记录（govaudit probe）判定。
参数: timeout_seconds（记录用，抓取超时由 crawl --timeout 决定）。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits.context import SiteContext
from audits.model import Finding, NotApplicable, Rule


@dataclass(frozen=True)
class Params:
    timeout_seconds: int = 15
    history_days: int = 7


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    home = ctx.home
    error = home.get("error") if home else "not fetched"
    status = home.get("status") if home else None
    if error and "robots.txt" in error:
        raise NotApplicable("home page forbidden by robots.txt")
    if not error and status is not None and status < 400:
        return
    history = ctx.query(
        "SELECT r.id, r.started_at, rr.home_status, rr.home_error FROM crawl_runs r "
        "JOIN run_roots rr ON rr.run_id = r.id WHERE rr.root = ? AND r.id <= ? "
        "AND date(r.started_at) > date(?, ?) ORDER BY r.id",
        [ctx.root, ctx.run_id, ctx.as_of.isoformat(), f"-{p.history_days} days"],
    )
    failed = [h for h in history if h["home_error"] or (h["home_status"] or 0) >= 400]
    reason = error or f"HTTP {status}"
    yield Finding(
        url=ctx.root,
        message=f"网站首页无法访问（{reason}），请检查服务器和网络，确保首页在 {p.timeout_seconds} 秒内可以打开。",
        evidence={
            "status": status,
            "error": error,
            "final_url": home.get("final_url") if home else None,
            "elapsed_seconds": home.get("elapsed") if home else None,
            "timeout_seconds": p.timeout_seconds,
            "runs_in_window": len(history),
            "failed_runs_in_window": len(failed),
            "window_days": p.history_days,
        },
    )


RULE = Rule(
    id="site-unreachable",
    category="不及时",
    severity="major",
    title="站点无法访问",
    basis="《政府网站与政务新媒体检查指标》单项否决·站点无法访问",
    params=Params,
    check=check,
    requires=("pages", "run_roots"),
)
