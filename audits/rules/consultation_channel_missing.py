"""consultation-channel-missing: the site offers no working 咨询/建言 channel (互动回应差).

检查内容: 网站是否提供可以使用的网上咨询建言渠道（领导信箱、在线咨询、留言、建言献策、12345 等），
          网上信访、纪检举报等专门渠道不算。
依据: 《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决“互动回应差”第 1 项：
      “未提供网上有效咨询建言渠道（网上信访、纪检举报等专门渠道除外）”；
      《政府网站发展指引》（国办发〔2017〕47号）：政府网站功能包括互动交流。
判定方法: 渠道从首页的链接文字识别（含咨询、建言、献策、留言、信箱、写信、问政、12345…，
          但含信访、纪检、纪委、监察、举报、访谈、调查、征集、找错的除外，除非同时含咨询或建言），
          也看首页链接的“互动交流/政民互动/公众参与”栏目页上的链接。渠道页面要能打开（本站页面
          抓取成功，外站页面链接检查成功，200 的错误页不算）；渠道页面上有“我要写信/我要咨询/
          提交…”入口的，入口页面也要能打开（一个能打开即可），页面本身带留言表单的直接算可用。
          未抓取也未检查的渠道不判定（视为可用）；首页没有任何本站链接（脚本生成）时不判定。没有任何可用渠道时报告一条：没有渠道的，
          链接为首页；有渠道但打不开的，链接为第一个打不开的页面。
参数: channel_words、not_channel_words、section_words、form_link_words。
示例: 首页“在线咨询”打开后是留言表单：不报告；首页只有“网上信访”“纪检举报”：报告；
      “局长信箱”页面能打开但“我要写信”页面 404：报告。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from audits import services as S
from audits.context import SiteContext
from audits.documents import home_fetched, words
from audits.model import Finding, NotApplicable, Rule


@dataclass(frozen=True)
class Params:
    channel_words: tuple[str, ...] = S.CHANNEL_WORDS
    not_channel_words: tuple[str, ...] = S.NOT_CHANNEL_WORDS
    section_words: tuple[str, ...] = S.CHANNEL_SECTION_WORDS
    form_link_words: tuple[str, ...] = S.FORM_LINK_WORDS


def channels(ctx: SiteContext, p: Params) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(consultation channels with their state, excluded special channels) seen from the home page."""
    cw, nw = words(p.channel_words, S.CHANNEL_WORDS), words(p.not_channel_words, S.NOT_CHANNEL_WORDS)
    home = S.home_links(ctx, ("page", "external"))
    sections = [lk["target"] for lk in home if lk["kind"] == "page" and S.has_any(lk["anchor"], words(p.section_words, S.CHANNEL_SECTION_WORDS))]
    seen = home + S.links_from_pages(ctx, list(dict.fromkeys(sections)), ("page", "external"))
    found: dict[str, dict[str, Any]] = {}
    excluded: dict[str, dict[str, Any]] = {}
    for lk in seen:
        entry = {"url": lk["target"], "anchor": lk["anchor"], "from": lk["source"]}
        if S.is_channel(lk["anchor"], cw, nw):
            found.setdefault(lk["target"], entry)
        elif S.has_any(lk["anchor"], nw) and len(lk["anchor"] or "") <= 12:
            excluded.setdefault(lk["target"], entry)
    states = S.target_states(ctx, list(found))
    ok_pages = [u for u in found if states[u]["state"] == "ok"]
    forms = {r["url"]: S.load_json(r["forms_json"], []) for r in ctx.pages_in(ok_pages)} if ok_pages else {}
    form_links: dict[str, list[dict[str, Any]]] = {}
    fw = words(p.form_link_words, S.FORM_LINK_WORDS)
    for lk in S.links_from_pages(ctx, ok_pages, ("page", "external")):
        if lk["target"] != lk["source"] and S.has_any(lk["anchor"], fw) and lk["target"] not in found:
            form_links.setdefault(lk["source"], []).append({"url": lk["target"], "anchor": lk["anchor"]})
    link_states = S.target_states(ctx, [f["url"] for fl in form_links.values() for f in fl])
    out = []
    for url, entry in found.items():
        st = states[url]
        entry.update(state=st["state"], why=st.get("why"), status=st.get("status"))
        entry["has_message_form"] = any(f.get("role") == "message" for f in forms.get(url, []))
        entries = [{**f, **link_states[f["url"]]} for f in form_links.get(url, [])]
        entry["form_pages"] = entries
        if st["state"] == "ok" and not entry["has_message_form"] and entries and all(e["state"] == "failed" for e in entries):
            entry.update(state="failed", why="写信/咨询页面无法打开：" + "；".join(f"{e['url']}（{e['why']}）" for e in entries[:3]))
        out.append(entry)
    return out, list(excluded.values())


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    if not home_fetched(ctx):
        raise NotApplicable("home page not fetched")
    S.require_home_links(ctx)
    found, excluded = channels(ctx, p)
    if any(c["state"] != "failed" for c in found):
        return
    evidence = {"channels": found, "excluded_channels": excluded, "channel_words": list(words(p.channel_words, S.CHANNEL_WORDS))}
    if not found:
        names = "、".join(dict.fromkeys(e["anchor"] for e in excluded)) if excluded else ""
        extra = f"（“{names}”是信访、举报、访谈等专门栏目，不算咨询建言渠道）" if names else ""
        yield Finding(
            url=ctx.root,
            subject=f"{ctx.root}#consultation",
            message=f"网站未提供网上咨询建言渠道{extra}，请开设领导信箱、在线咨询等渠道并确保可以正常使用。",
            evidence=evidence,
        )
        return
    first = found[0]
    yield Finding(
        url=first["url"],
        page=first["from"],
        subject=f"{ctx.root}#consultation",
        message=f"网站的咨询建言渠道“{first['anchor']}”无法使用（{first['why']}），请尽快修复。",
        evidence=evidence,
    )


RULE = Rule(
    id="consultation-channel-missing",
    category="不回应",
    severity="veto",
    title="未提供有效咨询建言渠道",
    basis="《政府网站与政务新媒体检查指标》单项否决“互动回应差”第 1 项",
    params=Params,
    check=check,
    requires=("pages", "links"),
)
