"""privacy-exposed: unmasked 身份证号 or lists of mobile numbers in published pages.

检查内容: 公示、通知等页面中未去标识化的公民身份号码和手机号码。
依据: 检查通报常见问题“涉及个人隐私的政府信息未做去标识化处理”（广东 2022Q2 等）。
判定方法: 18 位公民身份号码（出生日期有效、校验位符合 GB 11643）未打码即报；
          手机号码在同一页面出现 min_mobiles 个以上不同号码（名单式公示）才报，
          单个联系电话属于公开的联系方式，不报。证据中的号码均已打码。
参数: min_mobiles。
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from audits.context import SiteContext
from audits.model import Finding, NotApplicable, Rule
from audits.textscan import pages_by_url, scan
from audits.typos import matcher

ID_RE = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{4})(\d{2})(\d{2})(\d{3})([0-9Xx])(?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def valid_id(number: str) -> bool:
    """GB 11643: a real birth date and the right check character."""
    if len(number) != 18:
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    total = sum(int(c) * w for c, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17].upper()


def mask(number: str) -> str:
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


@dataclass(frozen=True)
class Params:
    min_mobiles: int = 3


def check(ctx: SiteContext, p: Params) -> Iterator[Finding]:
    if not ctx.query(
        "SELECT 1 FROM pages WHERE run_id = ? AND root = ? AND error IS NULL "
        "AND status < 400 AND (main_text IS NOT NULL OR body_head IS NOT NULL) LIMIT 1",
        [ctx.run_id, ctx.root],
    ):
        raise NotApplicable("no page text")
    # only pages with 11 digits in a row can hold an ID or a mobile number (one pass over the run's text)
    urls = scan(ctx, tuple(matcher().by_wrong)).digits.get(ctx.root, [])
    order = {u: i for i, u in enumerate(urls)}
    rows = sorted(pages_by_url(ctx, urls, "url, title, main_text, body_head"), key=lambda r: order[r["url"]])
    for r in rows:
        text = r["main_text"] or r["body_head"] or ""
        ids = sorted({m.group(0) for m in ID_RE.finditer(text) if valid_id(m.group(0))})
        mobiles = sorted({m.group(0) for m in MOBILE_RE.finditer(text)})
        if len(mobiles) < p.min_mobiles:
            mobiles = []
        if not ids and not mobiles:
            continue
        parts = []
        if ids:
            parts.append(f"{len(ids)} 个完整的公民身份号码")
        if mobiles:
            parts.append(f"{len(mobiles)} 个手机号码")
        yield Finding(
            url=r["url"],
            severity="major",
            message=f"页面公开了{'和'.join(parts)}，未做去标识化处理，请立即对号码打码（如 3301**********1234）后重新发布。",
            evidence={
                "title": r["title"],
                "id_numbers": [mask(i) for i in ids[:20]],
                "mobile_numbers": [mask(m) for m in mobiles[:20]],
                "id_count": len(ids),
                "mobile_count": len(mobiles),
                "min_mobiles": p.min_mobiles,
            },
        )


RULE = Rule(
    id="privacy-exposed",
    category="不安全",
    severity="major",
    title="个人隐私信息未去标识化",
    basis="检查通报：涉及个人隐私的政府信息未做去标识化处理",
    params=Params,
    check=check,
    requires=("pages",),
)
