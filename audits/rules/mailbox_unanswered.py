"""mailbox-unanswered: a public letter (县长信箱, 部门信箱, 咨询投诉…) has no reply after the limit.

检查内容: 领导信箱、部门信箱、咨询投诉、留言板等政务咨询类栏目中每封来信的来信时间、答复时间和办理状态。
依据: 《政府网站与政务新媒体检查指标》单项否决·互动回应差（监测时间点前1年内，政务咨询类栏目存在超过
      3个月未回应有效留言的现象）；《政府网站发展指引》互动交流（列清受理日期、答复日期、答复部门）；
      各地 15 个工作日答复的办理要求。在线访谈、调查征集、网上信访、纪检举报类栏目不在此列。
判定方法: 来信没有答复时间、办理状态也不是已回复/已办结的，从来信次日起按法定工作日（含调休）计到检查日：
          超过 15 个工作日为扣分项（major）；检查日前 1 年内的来信超过 3 个月仍未答复为单项否决（veto）。
          列表页和来信详情页都读，详情页的日期优先。网站既未公开办理状态也未公开答复时间的来信不作判定，
          需由浏览器渲染而未能渲染的信箱列表记为“未检查”。
参数: max_workdays（15）、veto_months（3）、window_days（365）。
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from audits import interaction as I
from audits.context import SiteContext
from audits.model import Finding, NotChecked, Rule


@dataclass(frozen=True)
class Params:
    max_workdays: int = 15
    veto_months: int = 3
    window_days: int = 365


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    letters, unchecked = I.mailbox_inputs(ctx)
    for letter in letters:
        if letter.answered:
            continue
        if not letter.known:
            unchecked[letter.url] = "网站未公开该来信的办理状态和答复时间，无法判断是否答复"
            continue
        waited = I.workdays(ctx, letter.received, ctx.as_of)
        if waited <= p.max_workdays:
            continue
        days = (ctx.as_of - letter.received).days
        deadline = I.add_months(letter.received, p.veto_months)
        veto = ctx.as_of > deadline and days <= p.window_days
        status = f"（状态“{letter.status_text}”）" if letter.status_text else ""
        if veto:
            message = (f"{letter.mailbox}来信“{letter.subject or letter.url}”于 {letter.received.isoformat()} 收到，"
                       f"至今超过 {p.veto_months} 个月（{days} 天、{waited} 个工作日）仍未答复{status}，"
                       "属于监测时间点前 1 年内超过 3 个月未回应留言，触发单项否决，请立即答复。")
        else:
            message = (f"{letter.mailbox}来信“{letter.subject or letter.url}”于 {letter.received.isoformat()} 收到，"
                       f"已 {waited} 个工作日未答复{status}，超过 {p.max_workdays} 个工作日的答复时限，请尽快答复。")
        yield Finding(
            url=letter.url,
            subject=letter.url,
            page=letter.list_page,
            column=letter.mailbox_name,
            severity="veto" if veto else "major",
            message=message,
            evidence={
                **letter.evidence(),
                "workdays_waiting": waited,
                "days_waiting": days,
                "limit_workdays": p.max_workdays,
                "veto_after": deadline.isoformat(),
                "in_veto_window": days <= p.window_days,
                "as_of": ctx.as_of.isoformat(),
            },
        )
    if unchecked:
        raise NotChecked(unchecked)


RULE = Rule(
    id="mailbox-unanswered",
    category="不回应",
    severity="major",
    title="留言未回应",
    basis="《政府网站与政务新媒体检查指标》单项否决·互动回应差",
    params=Params,
    check=check,
    requires=("letters",),
)
