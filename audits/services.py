"""Shared vocabulary and fact queries of the service, channel, search and catalog rules.

Label and name variants come from real guides and catalogs (浙江政务服务网, 国家政务服务平台,
基层政务公开标准目录 templates); every list is a rule parameter, so an office can add its own.
Queries start from the home page's links or from partial indexes (pages with labels), never
from a scan of a root's pages, so they stay fast on a million-page crawl.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from audits.context import SiteContext
from audits.links import _results, failure
from audits.rules.soft_404 import error_phrase

# 《办事指南》 element classes (gov.cn/wzpc 2015-06-10 关于"办事指南"指标的说明) and their label variants.
# 办理时限 (a deadline) is not 办理时间 (office hours).
GUIDE_CLASSES: tuple[str, ...] = (
    "事项名称|服务事项|办理事项|审批事项|许可事项|事项全称|项目名称|业务名称|服务名称",
    "设定依据|法定依据|实施依据|法律依据|办理依据|政策依据|审批依据|许可依据|设立依据|受理依据",
    "申请条件|受理条件|办理条件|申报条件|准予批准的条件|准予许可的条件|许可条件|申请人条件|申请资格",
    "办理材料|申请材料|申报材料|提交材料|所需材料|材料目录|申请资料|提交资料|材料清单|所需资料|应提交材料",
    "办理地点|受理地点|办公地址|办理地址|受理地址|受理窗口|办理窗口|服务地点|办事地点|窗口地址",
    "办理时间|受理时间|办公时间|工作时间|服务时间|窗口时间",
    "联系电话|咨询电话|咨询方式|联系方式|咨询途径|电话|联系人",
    "办理流程|办理程序|办事流程|审批流程|受理流程|流程图|办理步骤|工作流程|审批程序|许可程序|服务流程|办事程序",
)
NOT_GUIDE_WORDS = ("信息公开指南", "公开指南", "标准目录")  # 政府信息公开指南 is not a 办事指南
GUIDE_NAME_WORDS = ("办事指南", "服务指南", "事项指南", "办事须知", "指南")
SERVICE_WORDS = ("办事服务", "网上办事", "政务服务", "办事指南", "在线办事", "我要办", "办事大厅", "便民服务", "服务指南")

# 基层政务公开标准目录 elements (国办发〔2019〕54号: 名称、内容、依据、时限、主体、方式、渠道、公开对象)
CATALOG_ELEMENTS: tuple[str, ...] = (
    "公开事项名称|公开事项|事项名称|信息名称|一级事项|二级事项|三级事项",
    "公开内容|内容要素|信息内容",
    "公开依据|依据",
    "公开时限|时限",
    "公开主体|责任主体|责任单位|主体",
    "公开方式|主动|依申请",
    "公开渠道|公开载体|渠道",
    "公开对象|全社会|特定群体|对象",
)

# the 26 pilot domains (standards.md §5) with their other and newer names
DOMAINS: tuple[str, ...] = (
    "安全生产",
    "保障性住房|住房保障|保障房",
    "财政预决算|财政预算决算|预决算",
    "城市综合执法|综合行政执法|城管执法|城市管理执法",
    "城乡规划|国土空间规划|规划管理",
    "扶贫|乡村振兴|巩固拓展脱贫攻坚成果",
    "公共法律服务|公共法律",
    "公共文化服务|公共文化",
    "国有土地上房屋征收与补偿|房屋征收",
    "户籍管理|户籍|户政",
    "救灾|防灾减灾|自然灾害救助|灾害救助",
    "就业",
    "农村集体土地征收|农村集体土地|集体土地征收",
    "农村危房改造|危房改造",
    "社会保险|社保",
    "社会救助",
    "涉农补贴|惠农补贴",
    "食品药品监管|食品药品监督|药品监管|食品安全",
    "市政服务|市政公用",
    "税收管理|税收",
    "卫生健康|医疗卫生|卫生计生",
    "养老服务",
    "义务教育",
    "重大建设项目",
    "公共资源交易",
    "生态环境|环境保护",
)
CATALOG_SECTION_WORDS = ("基层政务公开标准化规范化", "标准化规范化", "基层政务公开", "政务公开标准目录", "标准目录", "公开事项标准目录")

# 咨询/建言 channels, and the special channels the 检查指标 excludes (网上信访、纪检举报) or that
# are not a consultation channel (在线访谈, 调查征集, 我为政府网站找错)
CHANNEL_WORDS = ("咨询", "建言", "献策", "留言", "信箱", "写信", "问政", "12345", "有问必答", "政务热线")
NOT_CHANNEL_WORDS = ("信访", "纪检", "纪委", "监察", "举报", "访谈", "调查", "征集", "找错", "纠错")
CHANNEL_SECTION_WORDS = ("互动交流", "政民互动", "公众参与", "互动", "参与")
FORM_LINK_WORDS = ("我要写信", "我要咨询", "我要留言", "我要建言", "我要提问", "写信", "提交", "在线咨询", "咨询登记", "留言")

_NUM = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]\s*)")
_PUNCT = re.compile(r"[\s：:（）()【】\[\]、/／·\-—]+")


def variants(spec: Sequence[str] | str) -> list[tuple[str, tuple[str, ...]]]:
    """("canonical", (variants…)) from "canonical|variant|…" items (a Params value)."""
    items = [x for x in re.split(r"[,，;；\n]+", spec) if x.strip()] if isinstance(spec, str) else list(spec)
    out = []
    for item in items:
        names = tuple(x.strip() for x in str(item).split("|") if x.strip())
        if names:
            out.append((names[0], names))
    return out


def norm(text: str | None) -> str:
    return _PUNCT.sub("", _NUM.sub("", (text or "").strip()))


def match_labels(labels: Iterable[str], classes: list[tuple[str, tuple[str, ...]]], slack: int = 6) -> dict[str, str | None]:
    """Per class the first label standing for it ("受理条件" for 申请条件), else None.

    A label stands for a class when it contains one of its variants and is not much
    longer (a value cell that mentions "事项名称变更" is not the label 事项名称)."""
    labs = [norm(x) for x in labels]
    labs = [x for x in labs if x]
    out: dict[str, str | None] = {}
    for canonical, names in classes:
        out[canonical] = next((lab for lab in labs for v in names if v in lab and len(lab) <= len(v) + slack), None)
    return out


def is_channel(anchor: str | None, channel_words: Iterable[str] = CHANNEL_WORDS, not_words: Iterable[str] = NOT_CHANNEL_WORDS) -> bool:
    """A 咨询/建言 channel by its link text: 县长信箱, 在线咨询, 咨询投诉; not 网上信访, 举报信箱, 在线访谈."""
    a = anchor or ""
    if not has_any(a, channel_words):
        return False
    return not has_any(a, not_words) or has_any(a, ("咨询", "建言"))


def has_any(text: str | None, words: Iterable[str]) -> bool:
    t = text or ""
    return any(w in t for w in words)


def load_json(value: str | None, default: Any) -> Any:
    if not value:
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


def home_links(ctx: SiteContext, kinds: tuple[str, ...] = ("page", "external", "attachment")) -> list[dict[str, Any]]:
    return ctx.links_from(ctx.root, kinds)


def require_home_links(ctx: SiteContext) -> None:
    """NotApplicable when the home page links none of its own pages: a page built by script (or an
    unreadable one) cannot show that a channel, a service entry or a report is absent."""
    from audits.model import NotApplicable

    rows = ctx.query("SELECT 1 FROM links WHERE run_id = ? AND source = ? AND kind = 'page' LIMIT 1", [ctx.run_id, ctx.root])
    if not rows:
        raise NotApplicable("the home page has no links to its own pages (built by script?)")


def links_from_pages(ctx: SiteContext, sources: list[str], kinds: tuple[str, ...] = ("page", "external", "attachment")) -> list[dict[str, Any]]:
    """Links of a few pages (the (run_id, source) index)."""
    if not sources:
        return []
    out: list[dict[str, Any]] = []
    km = ",".join("?" * len(kinds))
    for i in range(0, len(sources), 400):
        chunk = sources[i : i + 400]
        marks = ",".join("?" * len(chunk))
        out += ctx.query(
            f"SELECT source, target, anchor, kind FROM links WHERE run_id = ? AND source IN ({marks}) AND kind IN ({km}) ORDER BY rowid",
            [ctx.run_id, *chunk, *kinds],
        )
    return out


def target_states(ctx: SiteContext, urls: list[str]) -> dict[str, dict[str, Any]]:
    """Per URL: {state: ok | failed | unknown, why, status, source (page | check)}."""
    urls = list(dict.fromkeys(urls))
    results = _results(ctx, urls) if urls else {}
    out: dict[str, dict[str, Any]] = {}
    for url in urls:
        row, source = results.get(url, (None, None))
        if row is None:
            out[url] = {"state": "unknown", "why": "未抓取也未检查"}
            continue
        why = failure(row) or error_phrase(row, 1500)
        out[url] = {"state": "failed" if why else "ok", "why": why, "status": row.get("status"), "source": source}
    return out


def site_kind(ctx: SiteContext, configured: str = "") -> tuple[str, str]:
    from audits import annual_report as A

    return A.site_kind(ctx.site_name, configured or (ctx.site_config.kind if ctx.site_config else None))
