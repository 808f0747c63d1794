"""soft-404: a link that answers 2xx but shows an error page.

检查内容: 链接返回 200 等成功状态，但页面内容实为“页面不存在”等错误页。
依据: 《政府网站与政务新媒体检查指标》扣分指标·链接可用性。
判定方法: 目标页标题含错误提示（页面不存在、404、已删除、找不到…），或页面很短（少于 short_text 字）
          且正文含错误提示；或多个不同网址（≥ same_target_min 个）被重定向到同一个页面，而该页面是错误页
          或网址含 404/notfound/error。首页上的链接为 major，其余为 minor。
参数: short_text、same_target_min。
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from audits import links as L
from audits.context import SiteContext
from audits.model import Finding, Rule

PHRASES = re.compile(
    r"页面不存在|页面未找到|找不到(?:该|您要的|您访问的)?页面|访问的页面不存在|页面已(?:被)?删除|信息已(?:被)?删除|"
    r"内容已(?:被)?删除|文章不存在|信息不存在|内容不存在|无法找到(?:该)?页面|页面已失效|链接已失效|"
    r"\b404\b|not\s+found|page\s+not\s+found",
    re.I,
)
ERROR_URL = re.compile(r"404|not_?found|error", re.I)


@dataclass(frozen=True)
class Params:
    short_text: int = 1500
    same_target_min: int = 3


def error_phrase(result: dict[str, Any], short_text: int) -> str | None:
    title = result.get("title") or ""
    m = PHRASES.search(title)
    if m:
        return m.group(0)
    body = result.get("body_head") or ""
    length = result.get("text_len") if result.get("text_len") is not None else len(body)
    if body and length < short_text:
        m = PHRASES.search(body)
        if m:
            return m.group(0)
    return None


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    all_targets = L.targets(ctx)
    funnels = {final for final, ts in L.group_by_final(all_targets).items() if len({t.url for t in ts}) >= p.same_target_min}
    for t in all_targets:
        r = t.result
        if not r or L.failure(r) or not (200 <= (r.get("status") or 0) < 300):
            continue
        if t.kind == "image":
            continue
        phrase = error_phrase(r, p.short_text)
        final = r.get("final_url")
        funnel = final in funnels and final != t.url
        if funnel and not phrase:
            landing = ctx.page(final) or {}
            phrase = error_phrase(landing, p.short_text) or (ERROR_URL.search(final).group(0) if ERROR_URL.search(final) else None)
        if not phrase:
            continue
        first = t.sources[0]
        yield Finding(
            url=t.url,
            page=first["page"],
            severity="major" if t.on_home else "minor",
            message=f"链接返回正常状态，但打开的是错误页（“{phrase}”），请修正或删除该链接。",
            evidence={
                "status": r.get("status"),
                "error_text": phrase,
                "title": r.get("title"),
                "final_url": final,
                "redirect_chain": L.chain(r),
                "many_urls_redirect_here": funnel,
                "on_home_page": t.on_home,
                "linking_pages": len(t.sources),
                "pages": t.evidence_pages(),
            },
        )


RULE = Rule(
    id="soft-404",
    category="不准确",
    severity="minor",
    title="链接指向错误页",
    basis="《政府网站与政务新媒体检查指标》扣分指标·链接可用性",
    params=Params,
    check=check,
    requires=("links", "pages", "link_checks"),
)
