"""site-unreachable: the home page could not be fetched in this run, or failed too many probes.

检查内容: 站点首页能否打开。
依据: 《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决“站点无法访问”：
      监测 1 周，超过（含）5% 的时间无法访问。
判定方法: 近 history_days 天（含检查当日）的探测记录（govaudit probe，每 30 分钟一次）中
          失败（超时、连接失败、HTTP 4xx/5xx）占比 ≥ veto_share，且探测次数 ≥ min_probes → veto；
          否则本次抓取中首页（重试后）仍无法打开 → major。探测次数不足时不作单项否决判定，
          证据中写明。
参数: timeout_seconds（记录用，探测/抓取超时由 probe/crawl --timeout 决定）、history_days、
      veto_share、min_probes。
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from audits.context import SiteContext
from crawler.probe import probe_stats
from audits.model import Finding, NotApplicable, Rule


@dataclass(frozen=True)
class Params:
    timeout_seconds: int = 15
    history_days: int = 7
    veto_share: float = 0.05
    min_probes: int = 20  # the official check probes ≥ 20 times a day; fewer cannot decide a 5 % share


def _probes(ctx: SiteContext, p: Params) -> dict[str, Any]:
    since = (ctx.as_of - dt.timedelta(days=max(p.history_days, 1) - 1)).isoformat()
    if not ctx.db["probes"].exists():
        return {"n": 0, "failed": 0, "first": None, "last": None, "since": since}
    return {**probe_stats(ctx.db, ctx.root, since, ctx.as_of.isoformat()), "since": since}


def _probe_evidence(pr: dict[str, Any], p: Params) -> dict[str, Any]:
    share = pr["failed"] / pr["n"] if pr["n"] else None
    return {
        "probes_in_window": pr["n"],
        "failed_probes_in_window": pr["failed"],
        "failed_share": round(share, 4) if share is not None else None,
        "veto_share": p.veto_share,
        "min_probes": p.min_probes,
        "probe_window": [pr["since"], pr["first"], pr["last"]],
        "veto_decidable": pr["n"] >= p.min_probes,
    }


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    home = ctx.home
    error = home.get("error") if home else "not fetched"
    status = home.get("status") if home else None
    if error and "robots.txt" in error:
        raise NotApplicable("home page forbidden by robots.txt")
    pr = _probes(ctx, p)
    probe_ev = _probe_evidence(pr, p)
    if pr["n"] >= max(p.min_probes, 1) and pr["failed"] / pr["n"] >= p.veto_share:
        yield Finding(
            url=ctx.root,
            severity="veto",
            message=(
                f"近 {p.history_days} 天探测首页 {pr['n']} 次，{pr['failed']} 次无法访问"
                f"（{pr['failed'] / pr['n']:.1%}），达到“站点无法访问”单项否决标准（≥ {p.veto_share:.0%}），"
                "请立即排查服务器、网络和防护设备，确保网站稳定可访问。"
            ),
            evidence={"status": status, "error": error, "timeout_seconds": p.timeout_seconds, "window_days": p.history_days, **probe_ev},
        )
        return
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
            **probe_ev,
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
