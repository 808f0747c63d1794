"""hidden-link: a link to another site hidden by CSS (暗链).

检查内容: 页面中访问者看不到的外部链接（篡改网页植入的暗链）。
依据: 《政府网站与政务新媒体检查指标》单项否决·安全、泄密事故等严重问题（内容被篡改、链接不良内容）。
判定方法: 静态 HTML 与 CSS 判断链接不可见：display:none、visibility:hidden、零尺寸、opacity:0、
          远离屏幕的定位或缩进、文字颜色与背景相同、零高度 <marquee>、hidden 属性等（行内样式与页面 <style>）。
          只报指向本次检查站点以外、且不属于政府域名（allowed_suffixes）的链接；隐藏的本站菜单不报。
          同一目标只报一条，证据列出页面与隐藏方式。
参数: allowed_suffixes（不视为暗链的域名后缀）。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from audits import links as L
from audits.context import SiteContext
from audits.model import Finding, Rule


@dataclass(frozen=True)
class Params:
    allowed_suffixes: str = ".gov.cn,.政务,.gov"


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    allowed = tuple(s.strip().lower() for s in p.allowed_suffixes.split(",") if s.strip())
    for t in L.targets(ctx):
        if t.kind != "external":
            continue
        hidden = [s for s in t.sources if s["hidden"]]
        if not hidden:
            continue
        host = (urlsplit(t.url).hostname or "").lower()
        if allowed and host.endswith(allowed):
            continue
        yield Finding(
            url=t.url,
            page=hidden[0]["page"],
            message=f"页面中有访问者看不到的外部链接（{hidden[0]['hidden']}），指向 {host}，疑似被植入暗链，请立即排查网页是否被篡改并删除。",
            evidence={
                "host": host,
                "how_hidden": sorted({s["hidden"] for s in hidden}),
                "pages": [{"page": s["page"], "anchor": s["anchor"], "hidden": s["hidden"]} for s in hidden[: L.MAX_LISTED_PAGES]],
                "linking_pages": len(hidden),
            },
        )


RULE = Rule(
    id="hidden-link",
    category="不安全",
    severity="veto",
    title="暗链",
    basis="《政府网站与政务新媒体检查指标》单项否决·安全（内容被篡改、链接不良内容）",
    params=Params,
    check=check,
    requires=("links",),
)
