"""Typed 信息公开 document metadata, read from what the crawler stored.

CONTRACT (audits rely on it):

    read_doc_meta(doc_meta, *, title="", main_text="", pub_date=None,
                  pub_date_source=None, pub_date_text=None, today) -> DocMeta
    normalize_doc_no(text) -> DocNo | None        # 青政办发[2026]3号 -> 青政办发〔2026〕3号
    validity_of(text) -> str | None               # "现行有效" -> "有效", "已废止" -> "废止"
    valid_until_from_text(text, today, *, written=None, published=None) -> ValidUntil | None
    signature_date(main_text, today) -> (FoundDate | None, raw | None)

Pure functions: no Scrapy, no database, no clock (``today`` bounds plausible
years and is passed in).

Inputs are the stored page facts: ``doc_meta`` is the label -> value dict that
``crawler.extract.page`` read from the page's metadata block (a table, a
definition list, div/span pairs, one line of text, or ``<meta>`` tags named
after the labels), ``main_text`` the article body, ``pub_date*`` the page's
publish date and where it came from (``visible`` = the info bar, ``doc_meta``,
``meta:PubDate``…).

Where a field comes from, in order:

* 文号: the block (文号, 发文字号, 文件编号…); else a 文号 at the very start
  of the body; else one in the title.  Brackets 〔〕 [] 【】 （） ［］ are
  all accepted and normalised to 〔〕.
* 成文日期: the block (成文日期 > 成文时间 > 签发日期 > 制发日期 > 印发日期 >
  发文日期 > 生成日期); else the dated signature of the body (an issuing
  organ followed by a date, e.g. "青山县人民政府 2026年9月24日" or
  "二〇二六年九月二十四日").
* 发布日期: the block (发布日期 > 公开日期 > 发布时间 > 公布日期); else the
  page's publish date (the info bar "发布时间：2026-07-20 10:32", the
  PubDate meta tag…).  When the block and the info bar disagree, the block
  wins and the disagreement is recorded as a conflict.
* 有效性: the block (有效性, 时效性, 效力状态, 时效…); else a
  "已废止/已失效" stamp at the start of the body.
* 有效期: the block (有效期, 有效期至, 失效日期, 废止日期) or the body
  ("有效期至2025年12月31日", "自2023年1月1日起施行，有效期5年",
  "自印发之日起施行，有效期三年").

Nothing here guesses silently: a value that looks like a date but cannot
exist (2026-02-30), a month-only signature ("2023年5月 日"), two different
dates for one field, or 成文日期 after 发布日期 are kept in ``warnings`` /
``conflicts`` with the raw text.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crawler.extract.dates import FoundDate, find_dates

# --------------------------------------------------------------------------
# Label aliases (keys of doc_meta have no whitespace and no trailing colon)
# --------------------------------------------------------------------------
DOC_NO_LABELS = ("文号", "发文字号", "发文文号", "文件编号", "文件字号", "发文编号", "字号")
WRITTEN_LABELS = ("成文日期", "成文时间", "签发日期", "制发日期", "印发日期", "发文日期", "生成日期", "形成日期")
PUBLISHED_LABELS = ("发布日期", "公开日期", "发布时间", "公布日期", "上网日期", "上网时间")
VALIDITY_LABELS = ("有效性", "时效性", "效力状态", "效力", "时效", "有效状态", "是否有效", "文件状态", "现行有效性")
PUBLISHER_LABELS = ("发布机构", "发文机关", "发文单位", "发布单位", "制发机关", "发文机构", "责任部门", "所属机构")
TOPIC_LABELS = ("主题分类", "所属主题", "主题", "信息分类", "组配分类", "体裁分类", "分类")
INDEX_LABELS = ("索引号", "索取号")
TITLE_LABELS = ("标题", "名称", "信息名称", "文件名称")
EFFECTIVE_LABELS = ("施行日期", "生效日期", "实施日期", "生效时间", "施行时间")
UNTIL_LABELS = ("有效期至", "有效期", "有效期限", "失效日期", "失效时间", "废止日期", "废止时间")

_EMPTY_VALUES = frozenset({"", "无", "暂无", "-", "--", "—", "——", "/", "空", "null", "none", "未知"})

# --------------------------------------------------------------------------
# 文号
# --------------------------------------------------------------------------
_FW_PAIRS = (*((chr(0xFF10 + i), str(i)) for i in range(10)), ("\u3000", " "), ("\xa0", " "))
_FW = str.maketrans(dict(_FW_PAIRS))


def _halfwidth(text: str) -> str:
    """``text.translate(_FW)``, about 20 times faster on a long text: a dict-based translate looks up
    every character, while each of the twelve characters is found (and replaced) by a C scan."""
    for a, b in _FW_PAIRS:
        if a in text:
            text = text.replace(a, b)
    return text
_OPEN = "〔[【（(［〖"
_CLOSE = "〕]】）)］〗"
_DOC_NO_RE = re.compile(
    r"(?P<issuer>[\u4e00-\u9fffA-Za-z]{1,24}?)\s*"
    rf"[{re.escape(_OPEN)}]\s*(?P<year>(?:19|20)\d\d)\s*[{re.escape(_CLOSE)}]\s*"
    r"第?\s*(?P<num>\d{1,5})\s*号"
)


@dataclass(frozen=True)
class DocNo:
    text: str  # normalised: 青政办发〔2026〕3号
    issuer: str  # 青政办发
    year: int
    number: int
    raw: str


def normalize_doc_no(text: str | None) -> DocNo | None:
    """The first 文号 in ``text``, normalised, or None."""
    if not text:
        return None
    t = _halfwidth(text)
    m = _DOC_NO_RE.search(t)
    if not m:
        return None
    issuer = m["issuer"]
    # "根据青政发〔2026〕3号": keep the issuer code, not the words before it
    for lead in ("根据", "按照", "依据", "详见", "文号", "字号", "印发", "转发"):
        if lead in issuer:
            issuer = issuer.rsplit(lead, 1)[1]
    if not issuer:
        return None
    year, num = int(m["year"]), int(m["num"])
    return DocNo(f"{issuer}〔{year}〕{num}号", issuer, year, num, text[m.start():m.end()].strip())


def is_normative_doc_no(no: DocNo | None) -> bool:
    """A 文号 whose issuer code carries 规 (青政规, 岚综管办规, 青政办规…), not 规划."""
    if no is None:
        return False
    return bool(re.search(r"规(?!划)", no.issuer))


# --------------------------------------------------------------------------
# 有效性
# --------------------------------------------------------------------------
def validity_of(text: str | None) -> str | None:
    """有效 / 失效 / 废止 / 修改, or None for empty and unknown values."""
    if text is None:
        return None
    t = "".join(text.split())
    if t.lower() in _EMPTY_VALUES:
        return None
    if "废止" in t:
        return "废止"
    if "失效" in t or t in ("无效", "否", "已过期", "过期"):
        return "失效"
    if "修改" in t or "修订" in t or "修正" in t:
        return "修改"
    if "有效" in t or t in ("是", "现行"):
        return "有效"
    return None


# "【已废止】", "（此件已失效）" stamped at the very start of the body or the title
_STAMP_RE = re.compile(r"^\s*[【\[（(〔]?\s*(?:本文件|该文件|此件|本件|该件|文件)?已(?:被)?(废止|失效)\s*[】\]）)〕]?")

# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------
_DATEISH_RE = re.compile(
    r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}"
    r"|[〇零○一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,3}\s*月\s*[一二三四五六七八九十]{1,3}"
)
_MONTH_ONLY_RE = re.compile(r"(?:19|20)\d\d\s*年\s*\d{1,2}\s*月|[〇零○一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,3}\s*月")


@dataclass(frozen=True)
class DateValue:
    value: dt.date
    raw: str
    source: str  # "doc_meta:成文日期", "signature", "visible", "meta:PubDate"…

    def as_json(self) -> dict[str, str]:
        return {"date": self.value.isoformat(), "raw": self.raw, "source": self.source}


@dataclass(frozen=True)
class ValidUntil:
    value: dt.date
    raw: str  # the sentence it was read from
    source: str  # "doc_meta:有效期" | "text"
    basis: str  # "until" (有效期至…) | "years" (施行日期 + N 年) | "abolished" (废止日期)
    effective_from: dt.date | None = None
    years: int | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"date": self.value.isoformat(), "raw": self.raw, "source": self.source, "basis": self.basis}
        if self.effective_from:
            out["effective_from"] = self.effective_from.isoformat()
        if self.years:
            out["years"] = self.years
        return out


def _full_dates(text: str, today: dt.date) -> list[FoundDate]:
    return [f for f in find_dates(text, today) if f.has_day and f.has_year]


def _read_date(raw: str, source: str, field_name: str, today: dt.date, warnings: list[dict[str, Any]]) -> DateValue | None:
    """One date from a metadata value; problems go to ``warnings`` with the raw text."""
    text = raw.strip()
    if not text or text.lower() in _EMPTY_VALUES:
        return None
    found = _full_dates(text, today)
    if not found:
        if _DATEISH_RE.search(text.translate(_FW)):
            warnings.append({"field": field_name, "issue": "impossible_date", "raw": raw, "source": source})
        elif _MONTH_ONLY_RE.search(text.translate(_FW)):
            warnings.append({"field": field_name, "issue": "no_day", "raw": raw, "source": source})
        else:
            warnings.append({"field": field_name, "issue": "unparsed_date", "raw": raw, "source": source})
        return None
    values = {f.value for f in found}
    if len(values) > 1:
        warnings.append({
            "field": field_name, "issue": "several_dates", "raw": raw, "source": source,
            "dates": sorted(v.isoformat() for v in values),
        })
    return DateValue(found[0].value, raw, source)


# --------------------------------------------------------------------------
# Signature date (成文日期 without a metadata block)
# --------------------------------------------------------------------------
_ORGAN_END = (
    "人民政府办公室|人民政府办公厅|人民政府|政府办公室|办公室|办公厅|管理委员会|委员会|管委会|"
    "局|委|办|厅|中心|院|署|部|处|所|站|街道办事处|办事处"
)
_DATE_ALT = (
    r"(?:(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*(?:\d{1,2}\s*日|日)?"
    r"|[〇零○ＯO一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,3}\s*月\s*(?:[一二三四五六七八九十]{1,3}\s*日|日)?"
    r"|(?:19|20)\d\d-\d{1,2}-\d{1,2})"
)
_SIGNATURE_RE = re.compile(
    rf"[\u4e00-\u9fff（）()]{{2,30}}?(?:{_ORGAN_END})[）)]?(?:[（(][^）)]{{1,30}}[）)])?\s*(?P<date>{_DATE_ALT})"
)
_NOT_SIGNATURE_AFTER = re.compile(r"\s*(?:起|至|到|前|后|以前|以后|之前|之后|期间|止|印发|召开|发布|施行|实施)")


def signature_date(main_text: str, today: dt.date) -> tuple[FoundDate | None, str | None]:
    """The dated signature of a document body: (date, raw text) of the last one.

    A signature is an issuing organ (…人民政府, …局, …办公室) followed by a
    date that is not part of a sentence ("自2026年1月1日起施行" is not one).
    A month-only signature ("2023年5月 日") returns (None, raw).
    """
    if not main_text:
        return None, None
    text = _halfwidth(main_text)
    best: tuple[FoundDate | None, str] | None = None
    for m in _SIGNATURE_RE.finditer(text):
        if _NOT_SIGNATURE_AFTER.match(text, m.end()):
            continue
        raw = m["date"]
        found = [f for f in find_dates(raw, today, month_only=True) if f.has_year]
        if not found:
            # impossible date (e.g. 2026年2月30日): keep the raw text
            best = (None, raw)
            continue
        f = found[0]
        best = (f if f.has_day else None, raw.strip())
    if best is None:
        return None, None
    return best


# --------------------------------------------------------------------------
# 有效期 (validity period)
# --------------------------------------------------------------------------
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_UNTIL_RE = re.compile(
    rf"(?:有效期(?:限)?(?:为|是)?|执行期(?:限)?(?:为)?|实施期(?:限)?(?:为)?|有效至|执行至|实施至|施行至)"
    rf"[^。；;]{{0,40}}?(?:至|到|截至|截止到|截止至|截止)\s*(?P<date>{_DATE_ALT})"
)
_UNTIL_DIRECT_RE = re.compile(rf"(?:有效期至|有效期到|有效至|执行至|实施至|施行至|有效期截至|有效期截止)\s*(?P<date>{_DATE_ALT})")
_YEARS_RE = re.compile(r"有效期(?:限)?(?:为|是)?\s*(?P<n>\d{1,2}|[一二两三四五六七八九十])\s*年")
_FROM_RE = re.compile(
    rf"自\s*(?:(?P<date>{_DATE_ALT})|(?P<event>印发|发布|公布|颁布|公开)之日)\s*起\s*(?:施行|实施|执行|生效)"
)


def _until_of(raw: str, today: dt.date) -> dt.date | None:
    found = [f for f in find_dates(raw, today, month_only=True) if f.has_year]
    if not found:
        return None
    f = found[0]
    if f.has_day:
        return f.value
    # 有效期至2025年12月: the last day of that month
    nxt = dt.date(f.value.year + (f.value.month == 12), f.value.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _add_years(d: dt.date, n: int) -> dt.date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # Feb 29
        return d.replace(year=d.year + n, day=28)


def valid_until_from_text(
    text: str,
    today: dt.date,
    *,
    written: dt.date | None = None,
    published: dt.date | None = None,
    source: str = "text",
) -> ValidUntil | None:
    """The end of a document's stated validity period, or None.

    "有效期至2025年12月31日" -> 2025-12-31; "自2021年1月1日起施行，有效期5年"
    -> 2025-12-31 (start + 5 years - 1 day); "自印发之日起施行，有效期三年" uses
    the 成文日期 (``written``), "自发布之日起…" the 发布日期 (``published``).
    """
    if not text:
        return None
    t = _halfwidth(text)
    for regex in (_UNTIL_DIRECT_RE, _UNTIL_RE):
        m = regex.search(t)
        if m:
            until = _until_of(m["date"], today)
            if until is not None:
                start = t.rfind("。", 0, m.start()) + 1
                return ValidUntil(until, t[start:m.end()].strip()[-80:], source, "until")
    m = _YEARS_RE.search(t)
    if not m:
        return None
    n_raw = m["n"]
    n = int(n_raw) if n_raw.isdigit() else _CN_NUM[n_raw]
    if n <= 0:
        return None
    # the start: the nearest "自…起施行" before (or just after) the period
    best = None
    for fm in _FROM_RE.finditer(t):
        if fm.start() <= m.start() + 80:
            best = fm
    if best is None:
        return None
    if best["date"]:
        start_dates = [f for f in find_dates(best["date"], today) if f.has_day and f.has_year]
        start = start_dates[0].value if start_dates else None
    elif best["event"] == "印发":
        start = written
    else:
        start = published or written
    if start is None:
        return None
    until = _add_years(start, n) - dt.timedelta(days=1)
    lo = min(best.start(), m.start())
    hi = max(best.end(), m.end())
    return ValidUntil(until, t[lo:hi].strip()[-120:], source, "years", effective_from=start, years=n)


# --------------------------------------------------------------------------
# The whole record
# --------------------------------------------------------------------------
@dataclass
class DocMeta:
    title: str = ""
    index_no: str | None = None
    publisher: str | None = None
    topic: str | None = None
    doc_no: DocNo | None = None
    doc_no_source: str | None = None
    doc_no_raw: str | None = None  # the block's raw value when it could not be read as a 文号
    written: DateValue | None = None
    published: DateValue | None = None
    validity: str | None = None  # 有效 | 失效 | 废止 | 修改
    validity_raw: str | None = None
    validity_source: str | None = None
    valid_until: ValidUntil | None = None
    # labels present in the block (even when empty): tells "missing" from "blank"
    labels: tuple[str, ...] = ()
    warnings: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def has_block(self) -> bool:
        return bool(self.labels)

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "index_no": self.index_no,
            "publisher": self.publisher,
            "doc_no": self.doc_no.text if self.doc_no else None,
            "doc_no_source": self.doc_no_source,
            "written": self.written.as_json() if self.written else None,
            "published": self.published.as_json() if self.published else None,
            "validity": self.validity,
            "validity_raw": self.validity_raw,
            "valid_until": self.valid_until.as_json() if self.valid_until else None,
            "warnings": self.warnings,
            "conflicts": self.conflicts,
        }


def _first(doc_meta: Mapping[str, str], labels: tuple[str, ...]) -> tuple[str, str] | None:
    """(label, value) of the first label present with a non-empty value."""
    for lab in labels:
        v = doc_meta.get(lab)
        if v is not None and v.strip() and v.strip().lower() not in _EMPTY_VALUES:
            return lab, v.strip()
    return None


def _to_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def read_doc_meta(
    doc_meta: Mapping[str, str] | None,
    *,
    title: str = "",
    main_text: str = "",
    pub_date: str | dt.date | None = None,
    pub_date_source: str | None = None,
    pub_date_text: str | None = None,
    today: dt.date,
) -> DocMeta:
    """Typed metadata of one disclosure page (see the module docstring)."""
    dm = {("".join(k.split())).rstrip("：:"): (v or "") for k, v in (doc_meta or {}).items()}
    out = DocMeta(title=title or dm.get("标题") or dm.get("名称") or "", labels=tuple(dm))
    w = out.warnings

    for labels, attr in ((INDEX_LABELS, "index_no"), (PUBLISHER_LABELS, "publisher"), (TOPIC_LABELS, "topic")):
        hit = _first(dm, labels)
        if hit:
            setattr(out, attr, hit[1])

    # 文号
    hit = _first(dm, DOC_NO_LABELS)
    if hit:
        no = normalize_doc_no(hit[1])
        if no:
            out.doc_no, out.doc_no_source = no, f"doc_meta:{hit[0]}"
        else:
            out.doc_no_raw = hit[1]
            w.append({"field": "文号", "issue": "unparsed_doc_no", "raw": hit[1], "source": f"doc_meta:{hit[0]}"})
    if out.doc_no is None and not hit:
        head = main_text[:120]
        no = normalize_doc_no(head)
        if no and not re.search(r"[《（(]\s*$", head[: head.find(no.raw) if no.raw in head else 0]):
            out.doc_no, out.doc_no_source = no, "text"
        elif title:
            no = normalize_doc_no(title)
            if no:
                out.doc_no, out.doc_no_source = no, "title"

    # 成文日期
    hit = _first(dm, WRITTEN_LABELS)
    if hit:
        out.written = _read_date(hit[1], f"doc_meta:{hit[0]}", "成文日期", today, w)
        # a second, different written date in the block
        for lab in WRITTEN_LABELS[: WRITTEN_LABELS.index(hit[0])] + WRITTEN_LABELS[WRITTEN_LABELS.index(hit[0]) + 1:]:
            if lab in ("生成日期", "形成日期", "发文日期") or lab not in dm:
                continue
            other = _read_date(dm[lab], f"doc_meta:{lab}", "成文日期", today, [])
            if other and out.written and other.value != out.written.value:
                out.conflicts.append({"field": "成文日期", "values": [out.written.as_json(), other.as_json()]})
    if out.written is None and not hit:
        found, raw = signature_date(main_text, today)
        if found is not None:
            out.written = DateValue(found.value, raw or found.text, "signature")
        elif raw:
            issue = "no_day" if _MONTH_ONLY_RE.search(raw.translate(_FW)) and not _DATEISH_RE.search(raw.translate(_FW)) else "impossible_date"
            w.append({"field": "成文日期", "issue": issue, "raw": raw, "source": "signature"})

    # 发布日期
    page_pub = _to_date(pub_date)
    hit = _first(dm, PUBLISHED_LABELS)
    if hit:
        out.published = _read_date(hit[1], f"doc_meta:{hit[0]}", "发布日期", today, w)
        if (
            out.published is not None
            and page_pub is not None
            and pub_date_source not in (None, "doc_meta")
            and page_pub != out.published.value
        ):
            out.conflicts.append({
                "field": "发布日期",
                "values": [
                    out.published.as_json(),
                    {"date": page_pub.isoformat(), "raw": pub_date_text or str(pub_date), "source": pub_date_source},
                ],
            })
    if out.published is None and page_pub is not None and not (hit and pub_date_source == "doc_meta"):
        out.published = DateValue(page_pub, pub_date_text or page_pub.isoformat(), pub_date_source or "page")

    # 有效性
    hit = _first(dm, VALIDITY_LABELS)
    if hit:
        out.validity_raw = hit[1]
        out.validity = validity_of(hit[1])
        out.validity_source = f"doc_meta:{hit[0]}"
        if out.validity is None:
            w.append({"field": "有效性", "issue": "unknown_value", "raw": hit[1], "source": out.validity_source})
    else:
        m = _STAMP_RE.search(main_text) or _STAMP_RE.search(title or "")
        if m:
            out.validity, out.validity_raw, out.validity_source = m.group(1), m.group(0), "text"

    # 有效期
    written = out.written.value if out.written else None
    published = out.published.value if out.published else None
    hit = _first(dm, UNTIL_LABELS)
    if hit:
        lab, raw = hit
        if lab in ("失效日期", "失效时间", "废止日期", "废止时间"):
            d = _until_of(raw, today)
            if d:
                out.valid_until = ValidUntil(d, raw, f"doc_meta:{lab}", "abolished")
        else:
            if "有效期" in raw:
                text = raw
            elif re.search(r"至|到|截至|截止", raw):
                text = f"有效期{raw}"
            else:
                text = f"有效期至{raw}"
            vu = valid_until_from_text(text, today, written=written, published=published, source=f"doc_meta:{lab}")
            if vu is None:
                # 有效期：5年 with a 施行日期 field
                eff = _first(dm, EFFECTIVE_LABELS)
                if eff:
                    vu = valid_until_from_text(f"自{eff[1]}起施行，有效期{raw}", today, source=f"doc_meta:{lab}")
            out.valid_until = vu
    if out.valid_until is None:
        out.valid_until = valid_until_from_text(main_text, today, written=written, published=published)

    # cross-field checks
    if out.written and out.published and out.written.value > out.published.value:
        w.append({
            "field": "成文日期", "issue": "written_after_published",
            "raw": out.written.raw, "published_raw": out.published.raw,
        })
    return out


__all__ = [
    "DateValue", "DocMeta", "DocNo", "ValidUntil",
    "is_normative_doc_no", "normalize_doc_no", "read_doc_meta", "signature_date",
    "valid_until_from_text", "validity_of",
]
