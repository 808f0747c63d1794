"""mailbox-slow: a public letter was answered, but later than the working-day limit.

检查内容: 已答复来信的来信时间与答复时间。
依据: 《政府网站发展指引》互动交流（做好受理反馈情况公开，列清受理日期、答复日期）；各地政务咨询
      “15 个工作日内答复”的办理要求（地方实践）。
判定方法: 从来信次日起按法定工作日（含调休）计到答复日，超过 15 个工作日为答复不及时（提示）。
          只公开“已回复”而没有答复时间的来信不作判定；答复日期早于来信日期的记入证据，不作判定。
参数: max_workdays（15）。
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


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    letters, unchecked = I.mailbox_inputs(ctx)
    for letter in letters:
        if letter.replied is None or letter.replied < letter.received:
            continue
        took = I.workdays(ctx, letter.received, letter.replied)
        if took <= p.max_workdays:
            continue
        yield Finding(
            url=letter.url,
            subject=letter.url,
            page=letter.list_page,
            column=letter.mailbox_name,
            message=(f"{letter.mailbox}来信“{letter.subject or letter.url}”于 {letter.received.isoformat()} 收到，"
                     f"{letter.replied.isoformat()} 才答复，用时 {took} 个工作日，超过 {p.max_workdays} 个工作日的答复时限。"),
            evidence={**letter.evidence(), "reply_workdays": took, "reply_days": (letter.replied - letter.received).days,
                      "limit_workdays": p.max_workdays},
        )
    if unchecked:
        raise NotChecked(unchecked)


RULE = Rule(
    id="mailbox-slow",
    category="不回应",
    severity="minor",
    title="留言答复不及时",
    basis="《政府网站发展指引》互动交流；地方政务咨询办理时限",
    params=Params,
    check=check,
    requires=("letters",),
)
