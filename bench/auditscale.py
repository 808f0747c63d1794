"""Audit speed at scale: `govaudit audit` (and `report`) over a database of 1,000,000 stored pages.

    .venv/bin/python bench/auditscale.py                      # 1,000,000 pages (DB cached in bench/out/)
    .venv/bin/python bench/auditscale.py --pages 100000       # smaller
    .venv/bin/python bench/auditscale.py --repeat 2 --report  # audit twice (the 2nd has a previous audit to track), then report
    .venv/bin/python bench/auditscale.py --generate-only

1. **The database** is built once per set of parameters and kept in bench/out/ (git-ignored)
   as ``auditscale-<pages>p-<sites>s-<nav>n-v<N>.db``.  ``crawler.store.open_db`` creates it,
   so it has the real schema and every migration; the rows are then bulk-inserted
   (executemany for pages and per-page links, INSERT … SELECT joins for the template links
   every page carries), with the crawl-table indexes dropped during the load and rebuilt
   afterwards with their own definitions.  It looks like a county portal and 50 unit
   subsites crawled in one run: columns with TRS-style list pages and dated list items,
   articles with realistic text (0.5–2.5 k characters), 信息公开 metadata blocks,
   规范性文件 (on time, late, incomplete, expired but marked 有效), policy documents with and
   without 政策解读 (two-way, one-way, late), annual reports with their tables (some late, some
   missing, some inconsistent), a planted template typo, some article typos and published ID
   numbers, hidden links, outside links, attachments and images with their link checks (a
   few dead), 404 pages, soft 404s and a redirect funnel, empty and stale columns.
2. **The audit** is the real CLI, ``govaudit audit --db … --as-of 2026-11-20``, in a
   subprocess: wall time, CPU seconds, peak RSS (VmHWM of the process tree, polled), and
   the per-rule seconds the audit run stores (``audit_runs.stats_json``).  Before each
   measured audit the audit tables are emptied, so every run is a first audit unless
   ``--repeat`` asks for more (then run 2… each have a previous audit to compare with).
3. ``--report`` also times ``govaudit report --format html --format md`` on the result.

Findings per rule are printed and written to bench/out/auditscale.json, so two versions of
the audit code can be compared on the same database (``--compare FILE``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Iterator

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

from crawler.facts import COLUMNS as FACT_COLUMNS  # noqa: E402
from crawler.facts import _Conn, may_be_interpretation, page_facts  # noqa: E402

GEN_VERSION = 6  # bump when the generated data changes (6: the facts the crawler stores with a page)
AS_OF = dt.date(2026, 11, 20)
PORT = 8765
COUNTY = "青山县"
ABBR = "青"

# (slug, name, ColumnType meta, weight of the site's articles, content kind, under 政府信息公开, stale-prone)
COLUMNS = [
    ("gzdt", "工作动态", "动态要闻", 30, "plain", False),
    ("tzgg", "通知公告", "通知公告", 12, "notice", False),
    ("zcwj", "政策文件", "政策文件", 0.8, "policy", True),
    ("gfxwj", "规范性文件", "规范性文件", 0.6, "normative", True),
    ("zcjd", "政策解读", "政策解读", 0.8, "interp", True),
    ("rsxx", "人事信息", "人事信息", 3, "block", True),
    ("ghjh", "规划计划", "规划计划", 2, "block", True),
    ("czxx", "财政信息", "财政信息", 3, "block", True),
    ("tjxx", "统计信息", "统计信息", 3, "block", True),
    ("xxgkzn", "政府信息公开指南", None, 0.02, "block", True),
    ("xxgkzd", "政府信息公开制度", None, 0.05, "block", True),
    ("xxgknb", "政府信息公开年报", None, 0, "report", True),
    ("ysqgk", "依申请公开", None, 0.05, "block", True),
    ("yjgl", "应急管理", None, 3, "plain", False),
    ("aqsc", "安全生产", None, 3, "plain", False),
    ("jyxx", "教育信息", None, 3, "plain", False),
    ("ylws", "医疗卫生", None, 3, "plain", False),
    ("shbz", "社会保障", None, 3, "plain", False),
    ("jycy", "就业创业", None, 3, "plain", False),
    ("xczx", "乡村振兴", None, 3, "plain", False),
    ("yshj", "营商环境", None, 3, "plain", False),
    ("xzzf", "行政执法公示", None, 3, "block", True),
    ("sjyg", "双随机一公开", None, 2, "block", True),
    ("jyta", "建议提案办理", None, 1, "block", True),
    ("zmhd", "政民互动", None, 3, "plain", False),
    ("ztzl", "专题专栏", "专题", 1, "plain", False),
    ("hyzl", "会议纪要", None, 0, "empty", False),
    ("zxft", "在线访谈", None, 0, "empty", False),
]
NAV_SLUGS = ["gzdt", "tzgg", "zcwj", "gfxwj", "zcjd", "rsxx", "ghjh", "czxx", "yjgl", "jyxx", "shbz", "yshj", "zmhd", "ztzl"]
UNITS = [
    "教育局", "财政局", "公安局", "民政局", "司法局", "人力资源和社会保障局", "自然资源和规划局", "生态环境分局",
    "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化广电旅游体育局", "卫生健康局", "退役军人事务局",
    "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "林业局", "信访局", "发展和改革局", "经济和信息化局",
    "科学技术局", "民族宗教事务局", "机关事务管理中心", "大数据发展管理局", "综合行政执法局", "城东街道办事处",
    "城西街道办事处", "城南街道办事处", "城北街道办事处", "东山镇人民政府", "西山镇人民政府", "南溪镇人民政府",
    "北岭镇人民政府", "清河镇人民政府", "白石镇人民政府", "龙泉镇人民政府", "凤凰镇人民政府", "桃源乡人民政府",
    "梅林乡人民政府", "石门乡人民政府", "云峰乡人民政府", "人民政府办公室", "投资促进中心", "供销合作社", "档案馆",
]
UNIT_ABBR = "教财公民司人自生住交水农商文卫退应审市统医林信发经科民机大综东西南北东西南北清白龙凤桃梅石云办投供档"
PHRASES = [
    "为深入贯彻落实党中央、国务院决策部署", "按照省委、省政府工作要求", "进一步提升政务服务水平", "坚持以人民为中心的发展思想",
    "统筹发展和安全", "切实增强人民群众获得感、幸福感、安全感", "各乡镇人民政府、街道办事处", "县直各有关部门",
    "加强组织领导，压实工作责任", "建立健全长效工作机制", "强化督促检查，确保各项任务落到实处", "推动高质量发展",
    "聚焦群众急难愁盼问题", "全面排查风险隐患", "持续深化“放管服”改革", "做好政策宣传解读", "完善考核评价体系",
    "会议指出", "会议强调", "截至目前", "全县累计完成投资", "同比增长", "共检查生产经营单位", "发现并整改问题隐患",
    "下一步", "将继续", "现将有关事项通知如下", "请结合实际认真贯彻执行", "特此公告",
]
TOPICS = ["优化营商环境", "安全生产大检查", "乡村振兴", "城乡居民医疗保险", "秋冬季森林防火", "高标准农田建设", "老旧小区改造",
          "义务教育阶段学生资助", "重点项目建设", "稳就业保民生", "食品安全监督抽检", "生态环境保护督察整改", "冬季供暖保障",
          "数字政府建设", "基层治理能力提升", "河湖长制", "耕地保护", "公共法律服务体系建设", "养老服务体系建设", "消费品以旧换新"]
CHARS = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法"
         "所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社"
         "义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题"
         "党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
         "必战先回则任取据处府")
PLANTED_TYPOS = ["截止目前，全县已累计完成{t}任务的八成以上", "既使遇到困难，也要确保{t}工作按时完成", "各单位要认真布署{t}各项工作",
                 "请各单位按排专人负责{t}工作"]
TEMPLATE_TYPO = "欢迎访问本网站，请按装最新版浏览器"


def _id_number(rng: random.Random) -> str:
    from audits.rules.privacy_exposed import _CHECK, _WEIGHTS

    body = f"3311{rng.randint(10, 99)}{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    return body + _CHECK[sum(int(c) * w for c, w in zip(body, _WEIGHTS)) % 11]


def _report_tables(year: int, consistent: bool) -> str:
    """Annual-report tables as the crawler stores them: the fixture site's report HTML, through the real extractor."""
    import lxml.html

    from crawler.extract.tables import extract_tables
    from tests.site import disclosure as F

    rep = F._portal_report(year) if consistent else F.jyj_reports(dt.date(year + 1, 11, 1))[0]
    tree = lxml.html.fromstring(f"<div>{F.report_body(rep)}</div>")
    return json.dumps(extract_tables([tree]), ensure_ascii=False)


def _real_sentences() -> list[str]:
    """Sentences (ending in 。！？；) of the visible text of the real pages saved for the extractor tests."""
    import re

    import lxml.html

    pages = REPO.parent / "shared" / "realpages" / "pages"
    out: list[str] = []
    for f in sorted(pages.glob("*.html")) if pages.exists() else []:
        try:
            root = lxml.html.fromstring(f.read_bytes())
        except (ValueError, OSError):
            continue
        for bad in root.xpath("//script|//style"):
            bad.getparent().remove(bad)
        text = re.sub(r"\s+", "", root.text_content())
        for m in re.finditer(r"[^。！？；]{12,160}[。！？；]", text):
            sent = m.group(0)
            if len(re.findall(r"[\u4e00-\u9fff]", sent)) >= 0.7 * len(sent):
                out.append(sent)
    return sorted(set(out))


class Gen:
    """Generates every row of one crawl run into an open govaudit database."""

    def __init__(self, conn: sqlite3.Connection, pages: int, sites: int, nav: int, seed: int) -> None:
        self.conn = conn
        self.n_pages = pages
        self.n_sites = sites
        self.nav = nav
        self.rng = random.Random(seed)
        self.run_id = 1
        self.counts: dict[str, int] = {}
        self.interps: dict[str, str] = {}  # url -> text of pages that may be interpretations, measured in batches
        self.measure_seconds = 0.0
        self.paragraphs = self._paragraph_pool(3000)
        self.long_paragraphs = [self._long_paragraph() for _ in range(200)]
        self.fetched_at = "2026-11-20T02:00:00+08:00"

    # -- text ------------------------------------------------------------------------
    def _paragraph_pool(self, n: int) -> list[str]:
        """Paragraphs of real government prose: sentences of the saved real pages (../shared/realpages),
        shuffled into paragraphs of 3–8 sentences, without typo-dictionary words or long digit runs
        (typos and ID numbers are planted on purpose).  Random characters would be no good: jieba
        segments and tags them 100 times slower than real text."""
        import re

        from audits.typos import matcher

        rx = matcher().any
        sents = _real_sentences()
        if not sents:  # no real pages: phrases and common characters
            rng = self.rng
            sents = [rng.choice(PHRASES) + "，" + "".join(rng.choices(CHARS, k=rng.randint(12, 40))) + "。" for _ in range(2000)]
        sents = [x for x in sents if not (rx and rx.search(x)) and not re.search(r"\d{7}", x)]
        rng = self.rng
        return ["".join(rng.choice(sents) for _ in range(rng.randint(3, 8))) for _ in range(n)]

    def _long_paragraph(self) -> str:
        """One 150-character sentence: the kind of interpretation that is hard to read."""
        rng = self.rng
        return "根据《" + COUNTY + "关于" + rng.choice(TOPICS) + "的实施意见》（" + ABBR + "政发〔2025〕" + str(rng.randint(1, 40)) + "号）" + \
            "".join(rng.choices(CHARS, k=150)) + "。"

    def text(self, k: int, n_par: int) -> str:
        ps = self.paragraphs
        return " ".join(ps[(k * 7919 + i * 104729) % len(ps)] for i in range(n_par))

    # -- plan ------------------------------------------------------------------------
    def plan(self) -> None:
        rng = self.rng
        self.sites: list[dict[str, Any]] = []
        weights = [10.0] + [1.0] * (self.n_sites - 1)  # the portal holds about 1/6 of the pages of 51 sites
        total_w = sum(weights)
        for s in range(self.n_sites):
            if s == 0:
                root, name, abbr, kind = f"http://127.0.0.1:{PORT}/", f"{COUNTY}人民政府", f"{ABBR}政", "government"
                domain = "www.qingshan.gov.cn"
            else:
                unit = UNITS[(s - 1) % len(UNITS)]
                root = f"http://127.0.1.{s}:{PORT}/"
                name = f"{COUNTY}{unit}"
                abbr = ABBR + UNIT_ABBR[(s - 1) % len(UNIT_ABBR)]
                kind = "government" if unit.endswith("人民政府") and "镇" not in unit and "乡" not in unit else "department"
                domain = f"u{s}.qingshan.gov.cn"
            site = {
                "i": s, "root": root, "name": name, "abbr": abbr, "kind": kind, "domain": domain,
                "code": f"33112700{s:02d}", "budget": int(self.n_pages * weights[s] / total_w),
                # planted problems, by site
                "no_police": s % 17 == 5, "no_domain": s % 13 == 4, "no_source": s % 19 == 7,
                "no_ysqgk": s % 10 == 3, "report_missing": s % 12 == 6, "report_late": s % 9 == 2,
                "report_bad": s % 15 == 8, "home_stale": s % 16 == 9, "template_typo": s == 11,
                "hidden": s in (1, 27), "dead_external": s % 7 == 1, "empty_cols": 2 if s % 4 == 0 else (1 if s % 4 == 1 else 0),
                "funnel": s % 8 == 3,
            }
            self.sites.append(site)
        self.sites[0]["budget"] += self.n_pages - sum(x["budget"] for x in self.sites)
        for site in self.sites:
            self._plan_site(site, rng)

    def _plan_site(self, site: dict[str, Any], rng: random.Random) -> None:
        """Columns of the site with their article counts, list pages, dates."""
        cols = []
        for (slug, name, mtype, weight, kind, gk) in COLUMNS:
            if slug == "ysqgk" and site["no_ysqgk"]:
                continue
            if kind == "empty" and len(cols) and sum(1 for c in cols if c["kind"] == "empty") >= site["empty_cols"]:
                continue
            url = site["root"] + ("zfxxgk/" if gk else "") + slug + "/"
            cols.append({"slug": slug, "name": name, "mtype": mtype, "weight": weight, "kind": kind, "gk": gk, "url": url})
        fixed = 4 + 3  # home, zfxxgk, fdzdgknr, 3 error pages (counted below), 关于我们
        n_reports = 5
        budget = site["budget"] - fixed - n_reports
        # articles + list pages = budget, list pages = ceil(articles / 20) per column (at least 1)
        wsum = sum(c["weight"] for c in cols)
        art_total = int(budget * 20 / 21)
        for c in cols:
            c["n"] = int(art_total * c["weight"] / wsum) if c["weight"] else 0
        for c in cols:
            if c["kind"] == "report":
                c["n"] = n_reports
        used = sum(c["n"] + max(1, -(-c["n"] // 20)) for c in cols)
        cols[0]["n"] += max(0, site["budget"] - fixed - used - (site["budget"] - fixed - used) // 21)
        while sum(c["n"] + max(1, -(-c["n"] // 20)) for c in cols) + fixed > site["budget"] and cols[0]["n"] > 0:
            cols[0]["n"] -= 1
        site["extra_static"] = site["budget"] - fixed - sum(c["n"] + max(1, -(-c["n"] // 20)) for c in cols)
        for c in cols:
            # newest item: fresh, or stale for some columns (column-stale findings)
            lag = {"plain": 2, "notice": 10, "policy": 20, "normative": 30, "interp": 25, "block": 60, "report": 240}.get(c["kind"], 0)
            if rng.random() < 0.12:
                lag = rng.choice([40, 200, 400, 800])
            if c["slug"] == "gzdt" and site["home_stale"]:
                lag = 30
            c["newest"] = AS_OF - dt.timedelta(days=lag + rng.randint(0, 3))
            span_days = rng.randint(900, 3600)
            c["step"] = span_days / max(c["n"], 1)
        site["cols"] = cols

    # -- rows ------------------------------------------------------------------------
    def _meta(self, site: dict[str, Any], **extra: str) -> str:
        m = {"SiteName": site["name"], "SiteDomain": site["domain"], "SiteIDCode": site["code"]}
        if site["no_domain"]:
            del m["SiteDomain"]
        m.update(extra)
        if site["no_source"]:
            m.pop("ContentSource", None)
        return json.dumps(m, ensure_ascii=False)

    def _footer(self, site: dict[str, Any]) -> str:
        f = {"site_id_code": site["code"], "icp": "浙ICP备12345678号-1", "police": "浙公网安备 33112702000001号"}
        if site["no_police"]:
            del f["police"]
        return json.dumps(f, ensure_ascii=False)

    def _head_text(self, site: dict[str, Any]) -> str:
        nav = " ".join(c["name"] for c in site["cols"] if c["slug"] in NAV_SLUGS)
        typo = (" " + TEMPLATE_TYPO + "。") if site["template_typo"] else ""
        return f"{site['name']} 首页 {nav} 政府信息公开{typo}"

    def page_row(self, site: dict[str, Any], url: str, **kw: Any) -> tuple:
        """One pages row, in PAGE_COLUMNS order."""
        main = kw.get("main_text")
        head = kw.pop("head", None) or self._head_text(site)
        body = f"{head} {kw.get('title_text', '')} {main or ''}"
        row = {
            "run_id": self.run_id, "url": url, "final_url": kw.get("final_url", url), "root": site["root"],
            "depth": kw.get("depth", 2), "referer": kw.get("referer"), "status": kw.get("status", 200), "error": None,
            "content_type": "text/html; charset=utf-8", "encoding": "utf-8", "declared_encoding": "utf-8",
            "size": kw.get("size", 14000 + 3 * len(body)), "elapsed": 0.05 + (len(url) % 17) / 100,
            "title": kw.get("title"), "meta_json": kw.get("meta_json"), "breadcrumb_json": kw.get("breadcrumb_json"),
            "footer_json": kw.get("footer_json"), "doc_meta_json": kw.get("doc_meta_json"),
            "column_name": kw.get("column_name"), "column_type": kw.get("column_type"),
            "article_title": kw.get("article_title"), "pub_date": kw.get("pub_date"), "pub_date_text": kw.get("pub_date_text"),
            "pub_date_source": kw.get("pub_date_source"), "is_article": kw.get("is_article", 0), "is_home": kw.get("is_home", 0),
            "is_list": kw.get("is_list", 0), "main_text": main, "fetched_at": self.fetched_at, "tables_json": kw.get("tables_json"),
            "redirect_chain_json": kw.get("redirect_chain_json"),
            "body_head": kw.get("body_head", body[:600]) if kw.get("status", 200) < 400 else None,
            "text_len": kw.get("text_len", len(body)) if kw.get("status", 200) < 400 else None,
        }
        row.update(page_facts(self.conn, row))  # as the crawler's pipeline does when it stores a page
        if may_be_interpretation(row):  # measured when stored, as the pipeline does (in batches here)
            self.interps[url] = row["main_text"]
        return tuple(row[c] for c in PAGE_COLUMNS)

    def generate(self) -> None:
        self.plan()
        for site in self.sites:
            self._site(site)
        self.flush(force=True)
        self._template_links()
        self._run_rows()

    # buffers
    pages_buf: list[tuple]
    links_buf: list[tuple]
    items_buf: list[tuple]
    checks_buf: list[tuple]

    def flush(self, force: bool = False) -> None:
        if not force and len(self.pages_buf) < 5000:
            return
        c = self.conn
        if self.interps and (force or len(self.interps) >= 1000):
            from audits.readability import measure_all

            t = time.perf_counter()
            measure_all(_Conn(c), self.interps, pool=True)
            self.measure_seconds += time.perf_counter() - t
            self.counts["interpretations_measured"] = self.counts.get("interpretations_measured", 0) + len(self.interps)
            self.interps = {}
        if self.pages_buf:
            c.executemany(f"INSERT INTO pages ({', '.join(PAGE_COLUMNS)}) VALUES ({', '.join('?' * len(PAGE_COLUMNS))})", self.pages_buf)
        if self.links_buf:
            c.executemany("INSERT INTO links (run_id, source, target, anchor, kind, hidden) VALUES (?, ?, ?, ?, ?, ?)", self.links_buf)
        if self.items_buf:
            c.executemany("INSERT INTO list_items (run_id, page_url, column_url, position, title, url, date, date_text) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self.items_buf)
        if self.checks_buf:
            c.executemany("INSERT OR REPLACE INTO link_checks (run_id, url, method, status, error, final_url, redirect_chain_json, "
                          "content_type, elapsed, attempts, from_cache, body_head, checked_at, title) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.checks_buf)
        for k, buf in (("pages", self.pages_buf), ("links", self.links_buf), ("list_items", self.items_buf), ("link_checks", self.checks_buf)):
            self.counts[k] = self.counts.get(k, 0) + len(buf)
            buf.clear()

    def link(self, source: str, target: str, anchor: str, kind: str = "page", hidden: str | None = None) -> None:
        self.links_buf.append((self.run_id, source, target, anchor, kind, hidden))

    def check(self, url: str, status: int | None, error: str | None = None, content_type: str = "text/html", title: str | None = None,
              method: str = "HEAD") -> None:
        self.checks_buf.append((self.run_id, url, method, status, error, url if status else None, None, content_type, 0.2, 1 if status else 3,
                                0, None, self.fetched_at, title))

    def _site(self, site: dict[str, Any]) -> None:
        rng = self.rng
        root, sname = site["root"], site["name"]
        self.pages_buf = getattr(self, "pages_buf", [])
        self.links_buf = getattr(self, "links_buf", [])
        self.items_buf = getattr(self, "items_buf", [])
        self.checks_buf = getattr(self, "checks_buf", [])
        gk_root = root + "zfxxgk/"
        cols = site["cols"]
        # articles of every column, newest first
        docs_by_slug: dict[str, list[dict[str, Any]]] = {}
        aid = site["i"] * 1_000_000
        for c in cols:
            arts = []
            for k in range(c["n"]):
                aid += 1
                day = c["newest"] - dt.timedelta(days=int(k * c["step"]))
                arts.append({"id": aid, "date": day, "col": c,
                             "url": f"{c['url']}{day:%Y%m}/t{day:%Y%m%d}_{aid}.html"})
            docs_by_slug[c["slug"]] = arts
            c["arts"] = arts
        # policy / normative documents and their interpretations
        interps = docs_by_slug.get("zcjd", [])
        targets_for_interp = [a for a in docs_by_slug.get("gfxwj", []) + docs_by_slug.get("zcwj", []) if a["date"] > AS_OF - dt.timedelta(days=1500)]
        pairs: dict[int, dict[str, Any]] = {}
        for j, it in enumerate(interps):
            if j < len(targets_for_interp) and rng.random() < 0.8:
                d = targets_for_interp[j]
                pairs[it["id"]] = d
                d["interp"] = it
                it["doc"] = d
                late = rng.random() < 0.08
                it["date"] = d["date"] + dt.timedelta(days=rng.randint(8, 20) if late else rng.randint(0, 1))
                it["url"] = f"{it['col']['url']}{it['date']:%Y%m}/t{it['date']:%Y%m%d}_{it['id']}.html"
                it["way"] = rng.choices(["both", "doc", "interp"], [0.8, 0.1, 0.1])[0]
        n_doc = 0
        for c in cols:
            for a in c["arts"]:
                n_doc += 1
                a["title"] = self._title(site, c, a, n_doc)
        # pages: home, disclosure section, columns and their list pages, articles
        home_items = sorted((a for c in cols if c["slug"] in ("gzdt", "tzgg") for a in c["arts"][:20]), key=lambda a: a["date"], reverse=True)[:20]
        home_head = self._head_text(site) + " " + " ".join(f"{a['title']} {a['date']}" for a in home_items)
        self.pages_buf.append(self.page_row(site, root, depth=0, title=sname, is_home=1, meta_json=self._meta(site),
                                            breadcrumb_json="[]", footer_json=self._footer(site), doc_meta_json="{}", head=home_head))
        for pos, a in enumerate(home_items):
            self.items_buf.append((self.run_id, root, None, pos, a["title"], a["url"], a["date"].isoformat(), a["date"].isoformat()))
            self.link(root, a["url"], a["title"])
        if site["hidden"]:
            self.link(root, "http://127.0.0.66/bc/", "博彩娱乐", "external", "off-screen (left:-9000px) (inline)")
        gk_names = [c for c in cols if c["gk"]]
        self.pages_buf.append(self.page_row(site, gk_root, depth=1, title=f"政府信息公开_{sname}", meta_json=self._meta(site),
                                            breadcrumb_json=json.dumps(["首页", "政府信息公开"], ensure_ascii=False),
                                            footer_json=self._footer(site), doc_meta_json="{}", referer=root))
        fd = gk_root + "fdzdgknr/"
        self.link(gk_root, fd, "法定主动公开内容")
        for c in gk_names:
            if c["slug"] in ("xxgkzn", "xxgkzd", "xxgknb", "ysqgk"):
                self.link(gk_root, c["url"], c["name"])
        self.pages_buf.append(self.page_row(site, fd, depth=2, title=f"法定主动公开内容_{sname}", meta_json=self._meta(site),
                                            breadcrumb_json=json.dumps(["首页", "政府信息公开", "法定主动公开内容"], ensure_ascii=False),
                                            footer_json=self._footer(site), doc_meta_json="{}", referer=gk_root, is_list=0))
        for c in gk_names:
            if c["slug"] not in ("xxgkzn", "xxgkzd", "xxgknb", "ysqgk"):
                self.link(fd, c["url"], c["name"])
        about = root + "gywm/index.html"
        self.pages_buf.append(self.page_row(site, about, depth=1, title=f"关于我们_{sname}", meta_json=self._meta(site), breadcrumb_json="[]",
                                            footer_json=self._footer(site), doc_meta_json="{}", referer=root, main_text=self.text(site["i"], 3)))
        for k in range(site["extra_static"]):
            u = root + f"zt/{k}.html"
            self.pages_buf.append(self.page_row(site, u, depth=2, title=f"专题页面{k}_{sname}", meta_json=self._meta(site),
                                                breadcrumb_json="[]", footer_json=self._footer(site), doc_meta_json="{}", referer=about,
                                                main_text=self.text(k, 2)))
            self.link(about, u, f"专题页面{k}")
        # error pages: a 404, a soft 404 (200 "页面不存在"), a redirect funnel of 3 to one 404 page
        err = [(root + "old/404-1.html", dict(status=404, title="页面不存在")),
               (root + "old/soft-1.html", dict(status=200, title="页面不存在", main_text="很抱歉，您访问的页面不存在或已被删除。", text_len=40))]
        if site["funnel"]:
            for k in range(3):
                err.append((root + f"old/moved-{k}.html", dict(status=200, final_url=root + "404.html", title="提示信息",
                                                              redirect_chain_json=json.dumps([root + f"old/moved-{k}.html"]),
                                                              main_text="很抱歉，您访问的页面不存在。", text_len=30)))
        else:
            err.append((root + "old/moved-0.html", dict(status=200, title="通知公告", main_text=self.text(3, 2))))
        first_arts = [a for a in cols[0]["arts"][:50]]
        for k, (u, kw) in enumerate(err):
            src = first_arts[k % len(first_arts)]["url"] if first_arts else root
            self.pages_buf.append(self.page_row(site, u, depth=3, referer=src, meta_json=self._meta(site) if kw["status"] < 400 else None,
                                                footer_json=self._footer(site) if kw["status"] < 400 else None, **kw))
            self.link(src, u, "相关链接")
        # columns
        for c in cols:
            self._column(site, c)
            self.flush()
        self.flush()

    def _title(self, site: dict[str, Any], c: dict[str, Any], a: dict[str, Any], n: int) -> str:
        rng = self.rng
        topic = TOPICS[(a["id"] * 31) % len(TOPICS)]
        year = a["date"].year
        kind = c["kind"]
        if kind == "normative":
            a["doc_no"] = f"{site['abbr']}规〔{year}〕{n % 60 + 1}号"
            return f"{site['name']}关于印发{COUNTY}{topic}管理办法的通知"
        if kind == "policy":
            issuer = f"{ABBR}政发" if site["i"] == 0 else f"{site['abbr']}发"
            a["doc_no"] = f"{issuer}〔{year}〕{n % 80 + 1}号"
            return f"{site['name']}关于{topic}的实施意见"
        if kind == "interp":
            d = a.get("doc")
            if d is not None:
                core = d["title"].split("关于印发")[-1].removesuffix("的通知") if "关于印发" in d["title"] else d["title"]
                return f"关于《{core}》的政策解读"
            return f"一图读懂{COUNTY}{topic}工作要点"
        if kind == "report":
            year = AS_OF.year - 1 - [x["id"] for x in c["arts"]].index(a["id"])
            a["report_year"] = year
            due = dt.date(year + 1, 3, 31) if site["kind"] == "government" else dt.date(year + 1, 1, 31)
            late = site["report_late"] and year == AS_OF.year - 1
            a["date"] = day = due + dt.timedelta(days=20) if late else due - dt.timedelta(days=10)
            a["url"] = f"{c['url']}{day:%Y%m}/t{day:%Y%m%d}_{a['id']}.html"
            if year == AS_OF.year - 1 and site["report_missing"]:
                return f"{site['name']}{year}年工作总结"
            return f"{site['name']}{year}年政府信息公开工作年度报告"
        forms = ["{s}召开{t}工作推进会", "关于做好{t}工作的通知", "{s}{t}工作取得阶段性成效", "{s}部署{t}工作", "{s}关于{t}有关事项的公告",
                 "{t}情况通报", "{s}举行{t}新闻发布会"]
        return forms[a["id"] % len(forms)].format(s=site["name"], t=topic)

    def _column(self, site: dict[str, Any], c: dict[str, Any]) -> None:
        rng = self.rng
        root, sname = site["root"], site["name"]
        arts = c["arts"]
        n_lists = max(1, -(-len(arts) // 20))
        crumbs = ["首页", "政府信息公开", "法定主动公开内容", c["name"]] if c["gk"] else ["首页", c["name"]]
        parent = root + "zfxxgk/fdzdgknr/" if c["gk"] else root
        undated = 0
        for k in range(n_lists):
            lu = c["url"] if k == 0 else f"{c['url']}index_{k}.html"
            chunk = arts[k * 20:(k + 1) * 20]
            empty = None if arts else "暂无信息"
            head = self._head_text(site) + " 当前位置： " + " > ".join(crumbs) + " " + " ".join(f"{a['title']} {a['date']}" for a in chunk[:8])
            self.pages_buf.append(self.page_row(
                site, lu, depth=1, referer=parent if k == 0 else c["url"], title=f"{c['name']}_{sname}", is_list=1,
                meta_json=self._meta(site, ColumnName=c["name"], **({"ColumnType": c["mtype"]} if c["mtype"] else {})),
                breadcrumb_json=json.dumps(crumbs, ensure_ascii=False), footer_json=self._footer(site), doc_meta_json="{}",
                column_name=c["name"], column_type=c["mtype"], head=head + (" 暂无信息" if empty else ""),
            ))
            for pos, a in enumerate(chunk):
                self.items_buf.append((self.run_id, lu, c["url"], pos, a["title"], a["url"], a["date"].isoformat(), f"[{a['date']:%m-%d}]"))
                self.link(lu, a["url"], a["title"])
            # pager: first, previous, next, last and up to 5 numbered pages
            pager = {c["url"], f"{c['url']}index_{n_lists - 1}.html" if n_lists > 1 else c["url"]}
            for j in range(max(0, k - 2), min(n_lists, k + 3)):
                pager.add(c["url"] if j == 0 else f"{c['url']}index_{j}.html")
            for p in sorted(pager - {lu}):
                self.link(lu, p, "下一页")
        self.conn.execute(
            "INSERT INTO columns (run_id, url, root, name, name_source, meta_column_type, pages, items, empty_marker, newest_date, "
            "oldest_date, undated_items) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [self.run_id, c["url"], root, c["name"], "meta", c["mtype"], n_lists, len(arts), None if arts else "暂无信息",
             max(a["date"] for a in arts).isoformat() if arts else None, min(a["date"] for a in arts).isoformat() if arts else None,
             undated],
        )
        self.counts["columns"] = self.counts.get("columns", 0) + 1
        for j, a in enumerate(arts):
            self._article(site, c, a, arts[j - 1] if j else None, arts[j + 1] if j + 1 < len(arts) else None, crumbs)
            if len(self.pages_buf) >= 5000:
                self.flush()

    def _article(self, site: dict[str, Any], c: dict[str, Any], a: dict[str, Any], newer: dict | None, older: dict | None,
                 crumbs: list[str]) -> None:
        rng = self.rng
        url, title, day = a["url"], a["title"], a["date"]
        kind = c["kind"]
        root = site["root"]
        n_par = 2 + (a["id"] * 2654435761 >> 7) % 9
        main = self.text(a["id"], n_par)
        dm: dict[str, str] = {}
        tables = None
        if kind in ("block", "normative", "policy", "interp", "report", "notice") and (c["gk"] or kind == "notice" and a["id"] % 3 == 0):
            dm = {"索引号": f"{site['code']}/{day.year}-{a['id'] % 100000:05d}", "发布机构": site["name"],
                  "发布日期": day.isoformat(), "主题分类": c["name"]}
        if kind in ("normative", "policy"):
            late = rng.random() < 0.05
            written = day - dt.timedelta(days=rng.randint(45, 70) if late else rng.randint(2, 20))
            dm.update({"文号": a["doc_no"], "成文日期": f"{written.year}年{written.month}月{written.day}日", "名称": title})
            if kind == "normative":
                years = 3 if a["id"] % 2 else 5
                expired = written + dt.timedelta(days=365 * years) < AS_OF
                dm["有效性"] = "有效" if (not expired or rng.random() < 0.1) else "失效"
                main = (f"各乡镇人民政府、街道办事处，县政府各部门： 《{COUNTY}管理办法》已经研究同意，现印发给你们，请认真贯彻执行。 "
                        f"{site['name']} {written.year}年{written.month}月{written.day}日 （此件公开发布） " + main +
                        f" 本办法自印发之日起施行，有效期{'三' if years == 3 else '五'}年。")
            if rng.random() < 0.04:
                del dm["成文日期"]  # incomplete
        if kind == "report" and "年度报告" in title:
            tables = _report_tables(a["report_year"], consistent=not site["report_bad"])
        if kind == "interp" and a.get("doc") is not None and a["id"] % 10 == 0:
            main = " ".join(self.long_paragraphs[(a["id"] + i) % len(self.long_paragraphs)] for i in range(4))
        if kind == "plain" and a["id"] % 997 == 0:
            main = PLANTED_TYPOS[a["id"] % len(PLANTED_TYPOS)].format(t=TOPICS[a["id"] % len(TOPICS)]) + "。 " + main
        if a["id"] % 9973 == 0:
            phones = "、".join(f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}" for _ in range(3))
            main += f" 公示名单：张某某，身份证号{_id_number(rng)}；联系电话：{phones}。"
        meta = self._meta(site, ColumnName=c["name"], ArticleTitle=title, PubDate=f"{day} 10:32", ContentSource=site["name"])
        pub_text = f"{day} 10:32"
        self.pages_buf.append(self.page_row(
            site, url, depth=2, referer=c["url"], title=f"{title}_{site['name']}", meta_json=meta,
            breadcrumb_json=json.dumps([*crumbs, "正文"], ensure_ascii=False), footer_json=self._footer(site),
            doc_meta_json=json.dumps(dm, ensure_ascii=False) if dm else "{}", column_name=c["name"], column_type=c["mtype"],
            article_title=title, pub_date=day.isoformat(), pub_date_text=pub_text, pub_date_source="visible", is_article=1,
            main_text=main, tables_json=tables, title_text=title,
        ))
        # per-page links beyond the template: column, previous/next, related documents, attachments, outside links
        self.link(url, c["url"], c["name"])
        if newer:
            self.link(url, newer["url"], "上一篇：" + newer["title"])
        if older:
            self.link(url, older["url"], "下一篇：" + older["title"])
        it = a.get("interp")
        if it is not None and it["way"] in ("both", "doc"):
            self.link(url, it["url"], "相关解读：" + it["title"])
        d = a.get("doc")
        if d is not None and a["way"] in ("both", "interp"):
            self.link(url, d["url"], "相关文件：" + d["title"])
        if kind in ("notice", "policy", "normative") and a["id"] % 5 == 0:
            att = f"{root}attach/{a['id']}.pdf"
            self.link(url, att, "附件：" + title + ".pdf", "attachment")
            dead = a["id"] % 500 == 0
            self.check(att, 404 if dead else 200, content_type="application/pdf")
        if a["id"] % 20 == 7:
            ext = f"http://127.0.0.9:9/ext/{a['id'] % 400}.html"
            self.link(url, ext, "外部链接", "external")
            if (a["id"] % 400) % 97 == 3:
                self.check(ext, None, error="TimeoutError: timed out", method="GET")
            else:
                self.check(ext, 200, title="外部网站", method="GET")
        if site["hidden"] and a["id"] % 600 == 0:
            self.link(url, "http://127.0.0.66/bc/", "博彩娱乐", "external", "display:none (inline)")

    def _template_links(self) -> None:
        """The header/footer links every page of a site carries, as one INSERT … SELECT join."""
        c = self.conn
        c.execute("CREATE TEMP TABLE nav (root TEXT, target TEXT, anchor TEXT, kind TEXT)")
        rows = []
        for site in self.sites:
            root = site["root"]
            t = [(root, "首页", "page"), (root + "zfxxgk/", "政府信息公开", "page")]
            t += [(col["url"], col["name"], "page") for col in site["cols"] if col["slug"] in NAV_SLUGS]
            t += [(root + "images/logo.png", "", "image"), (root + "images/banner.jpg", "", "image")]
            t += [("http://127.0.0.9:9/www.gov.cn/", "中国政府网", "external"), ("http://127.0.0.9:9/www.zj.gov.cn/", "浙江省人民政府", "external"),
                  ("http://127.0.0.9:9/www.ls.gov.cn/", "丽水市人民政府", "external")]
            t.append((f"http://127.0.0.9:9/dead-{site['i']}/" if site["dead_external"] else "http://127.0.0.9:9/zwfw.zj.gov.cn/",
                      "浙江政务服务网", "external"))
            while len(t) < self.nav:
                t.append((root + f"gywm/index.html#{len(t)}", "关于我们", "page"))
            for target, anchor, kind in t[: self.nav]:
                rows.append((root, target, anchor, kind))
        c.executemany("INSERT INTO nav VALUES (?, ?, ?, ?)", rows)
        for target in sorted({r[1] for r in rows if r[3] != "page"}):
            if target.endswith((".png", ".jpg")):
                self.check(target, 200, content_type="image/png")
            elif "/dead-" in target:
                self.check(target, 404, method="GET", title="404 Not Found")
            else:
                self.check(target, 200, method="GET", title="门户网站")
        self.flush(force=True)
        t0 = time.perf_counter()
        cur = c.execute(
            "INSERT INTO links (run_id, source, target, anchor, kind, hidden) "
            "SELECT p.run_id, p.url, n.target, n.anchor, n.kind, NULL FROM pages p JOIN nav n ON n.root = p.root "
            "WHERE p.status < 400 AND p.url != n.target"
        )
        self.counts["links"] += cur.rowcount
        print(f"  template links: {cur.rowcount:,} rows in {time.perf_counter() - t0:.0f} s", flush=True)

    def _run_rows(self) -> None:
        c = self.conn
        roots = [s["root"] for s in self.sites]
        c.execute(
            "INSERT INTO crawl_runs (id, started_at, finished_at, status, reason, roots_json, settings_json, stats_json, today, pid, pages, errors) "
            "VALUES (?, ?, ?, 'complete', 'finished', ?, ?, ?, ?, 0, ?, ?)",
            [self.run_id, "2026-11-20T02:00:00+08:00", "2026-11-20T09:12:00+08:00", json.dumps(roots),
             json.dumps({"generated_by": "bench/auditscale.py"}), "{}", AS_OF.isoformat(),
             c.execute("SELECT count(*) FROM pages").fetchone()[0],
             c.execute("SELECT count(*) FROM pages WHERE status >= 400").fetchone()[0]],
        )
        for s in self.sites:
            c.execute("INSERT INTO run_roots (run_id, root, home_url, home_status, home_error, home_content_type, home_elapsed, site_name, "
                      "site_id_code) VALUES (?, ?, ?, 200, NULL, 'text/html; charset=utf-8', 0.1, ?, ?)",
                      [self.run_id, s["root"], s["root"], s["name"], s["code"]])


PAGE_COLUMNS = ("run_id", "url", "final_url", "root", "depth", "referer", "status", "error", "content_type", "encoding",
                "declared_encoding", "size", "elapsed", "title", "meta_json", "breadcrumb_json", "footer_json", "doc_meta_json",
                "column_name", "column_type", "article_title", "pub_date", "pub_date_text", "pub_date_source", "is_article",
                "is_home", "is_list", "main_text", "fetched_at", "tables_json", "redirect_chain_json", "body_head", "text_len",
                *FACT_COLUMNS)

BULK_TABLES = ("pages", "links", "list_items", "link_checks", "columns")


def build(path: Path, pages: int, sites: int, nav: int, seed: int) -> dict[str, Any]:
    """Generate the database at `path` (written to path.part, renamed when complete)."""
    from crawler.store import open_db

    part = path.with_suffix(".part")
    for p in (part, Path(f"{part}-wal"), Path(f"{part}-shm")):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    db = open_db(part)  # the real schema, every crawl and audit migration
    db.conn.close()
    conn = sqlite3.connect(str(part), isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-2000000")
    conn.execute("PRAGMA temp_store=MEMORY")
    marks = ",".join("?" * len(BULK_TABLES))
    indexes = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})", BULK_TABLES
    ).fetchall()
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    conn.execute("BEGIN")
    gen = Gen(conn, pages, sites, nav, seed)
    gen.generate()
    # the measures the "crawl" stored: kept when the bench resets the audit tables (reset_audits)
    conn.execute("CREATE TABLE bench_crawl_measures (key TEXT PRIMARY KEY)")
    conn.execute("INSERT INTO bench_crawl_measures SELECT key FROM text_measures")
    conn.execute("COMMIT")
    t1 = time.perf_counter()
    print(f"  rows in {t1 - t0:.0f} s: {gen.counts}; rebuilding {len(indexes)} indexes …", flush=True)
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("PRAGMA journal_mode=WAL")  # as a crawl leaves it
    conn.close()
    part.rename(path)
    info = {"pages": pages, "sites": sites, "nav": nav, "seed": seed, "gen_version": GEN_VERSION, "counts": gen.counts,
            "rows_seconds": round(t1 - t0, 1), "index_seconds": round(time.perf_counter() - t1, 1),
            "of_which_measure_seconds": round(gen.measure_seconds, 1),
            "size_mb": round(path.stat().st_size / 1e6)}
    path.with_suffix(".json").write_text(json.dumps(info, indent=1))
    return info


# -- measuring -------------------------------------------------------------------------------

def measure(cmd: list[str], log: Path) -> dict[str, Any]:
    """Run a command: wall, CPU (wait4), peak RSS of its process tree (VmHWM polled every 0.1 s)."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["GOVAUDIT_LOOPBACK_ONLY"] = "1"
    load_before = os.getloadavg()[0]
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=str(REPO))
        peak = [0]
        stop = threading.Event()

        def poll() -> None:
            from crawl import _hwm, _tree, psutil  # bench/crawl.py: VmHWM of a process tree

            try:
                ps = psutil.Process(proc.pid)
            except psutil.Error:
                return
            while not stop.is_set():
                peak[0] = max(peak[0], sum(_hwm(p) for p in _tree(ps)))
                stop.wait(0.1)

        th = threading.Thread(target=poll, daemon=True)
        th.start()
        _pid, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        stop.set()
        th.join()
    return {"cmd": cmd, "exit_code": os.waitstatus_to_exitcode(status), "wall_s": round(wall, 2),
            "load_before": round(load_before, 1), "load_after": round(os.getloadavg()[0], 1),
            "cpu_s": round(ru.ru_utime + ru.ru_stime, 2), "peak_rss_mb": round(max(peak[0], ru.ru_maxrss * 1024) / 2**20, 1),
            "log_tail": log.read_text(errors="replace")[-1500:]}


def govaudit() -> list[str]:
    exe = Path(sys.executable).parent / "govaudit"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "crawler.cli"]


def reset_audits(path: Path) -> None:
    conn = sqlite3.connect(str(path), isolation_level=None)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.execute("BEGIN")
    # text_measures too, but for those the crawl stored (crawler/facts.py, listed in bench_crawl_measures when
    # generated): every measured audit is a first audit unless --repeat asks for more
    for t in ("finding_tracking", "tracking_runs", "site_year_stats", "mailbox_stats", "findings", "rule_results",
              "audit_runs"):
        if t in tables:
            conn.execute(f'DELETE FROM "{t}"')
    if "text_measures" in tables:
        keep = "WHERE key NOT IN (SELECT key FROM bench_crawl_measures)" if "bench_crawl_measures" in tables else ""
        conn.execute(f"DELETE FROM text_measures {keep}")
    conn.execute("COMMIT")
    conn.close()


def audit_summary(path: Path) -> dict[str, Any]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        run = conn.execute("SELECT id FROM audit_runs ORDER BY id DESC LIMIT 1").fetchone()
        if not run:
            return {}
        rid = run[0]
        cols = [r[1] for r in conn.execute("PRAGMA table_info(audit_runs)")]
        stats = {}
        if "stats_json" in cols:
            stats = json.loads(conn.execute("SELECT stats_json FROM audit_runs WHERE id = ?", [rid]).fetchone()[0] or "{}")
        by_rule = dict(conn.execute("SELECT rule, n_findings FROM rule_results WHERE audit_run_id = ? ORDER BY rule", [rid]).fetchall())
        status = dict(conn.execute("SELECT rule, status FROM rule_results WHERE audit_run_id = ?", [rid]).fetchall())
        digest = hashlib.sha1()
        for row in conn.execute("SELECT rule, site, url, severity, fingerprint, message, evidence_json FROM findings "
                                "WHERE audit_run_id = ? ORDER BY rule, site, fingerprint, url", [rid]):
            digest.update(json.dumps(row, ensure_ascii=False).encode())
        digest_by_rule = {}
        for rule in by_rule:
            h = hashlib.sha1()
            for row in conn.execute("SELECT site, url, severity, fingerprint, message, evidence_json FROM findings "
                                    "WHERE audit_run_id = ? AND rule = ? ORDER BY site, fingerprint, url", [rid, rule]):
                h.update(json.dumps(row, ensure_ascii=False).encode())
            digest_by_rule[rule] = h.hexdigest()[:12]
        years = conn.execute("SELECT count(*) FROM site_year_stats WHERE audit_run_id = ?", [rid]).fetchone()[0]
        h = hashlib.sha1()
        for row in conn.execute("SELECT * FROM site_year_stats WHERE audit_run_id = ? ORDER BY site, year", [rid]):
            h.update(json.dumps(row[1:], ensure_ascii=False).encode())
        return {"audit_run_id": rid, "findings_by_rule": by_rule, "status_by_rule": status, "findings": sum(by_rule.values()),
                "digest": digest.hexdigest()[:12], "digest_by_rule": digest_by_rule, "stats": stats,
                "site_year_stats_rows": years, "site_year_stats_digest": h.hexdigest()[:12]}
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="govaudit audit speed over a generated database of many stored pages")
    ap.add_argument("--pages", type=int, default=1_000_000, help="stored pages (default 1,000,000)")
    ap.add_argument("--sites", type=int, default=51, help="roots: the portal and its unit subsites (default 51)")
    ap.add_argument("--nav", type=int, default=22, help="template (header/footer) links on every page (default 22)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(BENCH / "out"), help="where the database and results go (default bench/out)")
    ap.add_argument("--rebuild", action="store_true", help="generate the database again even if it is cached")
    ap.add_argument("--generate-only", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="audits in a row (the 2nd and later track against the previous one)")
    ap.add_argument("--report", action="store_true", help="also time `govaudit report --format html --format md`")
    ap.add_argument("--compare", metavar="JSON", help="an earlier auditscale.json: are the findings the same per rule?")
    ap.add_argument("--label", default="", help="a name for this measurement in the results file")
    args = ap.parse_args(argv)
    if args.sites < 2 or args.sites > 200 or args.pages < 600 * args.sites:
        ap.error("--sites between 2 and 200 and at least 600 pages per site")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"auditscale-{args.pages}p-{args.sites}s-{args.nav}n-v{GEN_VERSION}.db"
    if args.rebuild or not path.exists():
        free = shutil.disk_usage(out).free / 1e9
        print(f"generating {path.name} ({args.pages:,} pages, {args.sites} sites; {free:.0f} GB free) …", flush=True)
        info = build(path, args.pages, args.sites, args.nav, args.seed)
        print(f"  done: {info['size_mb']:,} MB, rows {info['rows_seconds']} s + indexes {info['index_seconds']} s", flush=True)
    else:
        print(f"using cached {path}", flush=True)
    info = json.loads(path.with_suffix(".json").read_text()) if path.with_suffix(".json").exists() else {}
    if args.generate_only:
        return 0
    results: dict[str, Any] = {"date": dt.datetime.now().isoformat(timespec="seconds"), "label": args.label, "db": str(path),
                               "db_info": info, "audits": []}
    tmp = Path(tempfile.mkdtemp(prefix="govaudit-auditscale-"))
    # migrations the cached database has not seen yet (new indexes): timed once, apart from the audits
    r = measure([sys.executable, "-c", f"from crawler.store import open_db; open_db({str(path)!r})"], tmp / "migrate.log")
    results["migrate"] = r
    print(f"migrations: exit {r['exit_code']}: {r['wall_s']} s wall, {r['cpu_s']} s CPU", flush=True)
    reset_audits(path)
    # what a crawl stores when it ends (crawler/facts.py after_crawl: the document candidates' reads, the
    # interpretations' measures); nothing to do when the generator or an earlier run stored them
    r = measure([sys.executable, "-m", "crawler.facts", "after-crawl", str(path), "1"], tmp / "after-crawl.log")
    results["after_crawl"] = r
    print(f"crawl end (document reads, measures): exit {r['exit_code']}: {r['wall_s']} s wall, {r['cpu_s']} s CPU", flush=True)
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE IF NOT EXISTS bench_crawl_measures (key TEXT PRIMARY KEY)")
    conn.execute("INSERT OR IGNORE INTO bench_crawl_measures SELECT key FROM text_measures")
    conn.commit()
    conn.close()
    try:
        for k in range(args.repeat):
            print(f"audit {k + 1}/{args.repeat} …", flush=True)
            r = measure([*govaudit(), "audit", "--db", str(path), "--as-of", AS_OF.isoformat()], tmp / f"audit{k}.log")
            r["summary"] = audit_summary(path)
            results["audits"].append(r)
            print(f"  exit {r['exit_code']}: {r['wall_s']} s wall, {r['cpu_s']} s CPU, peak RSS {r['peak_rss_mb']} MB, "
                  f"load {r['load_before']} → {r['load_after']}, "
                  f"{r['summary'].get('findings')} findings", flush=True)
            if r["exit_code"]:
                print(r["log_tail"])
        if args.report:
            rep_dir = tmp / "report"
            r = measure([*govaudit(), "report", "--db", str(path), "--format", "html", "--format", "md", "--out", str(rep_dir)],
                        tmp / "report.log")
            r["files"] = {p.name: p.stat().st_size for p in rep_dir.glob("*")} if rep_dir.exists() else {}
            results["report"] = r
            print(f"report: exit {r['exit_code']}: {r['wall_s']} s wall, {r['cpu_s']} s CPU, peak RSS {r['peak_rss_mb']} MB, "
                  f"files {r['files']}", flush=True)
            if r["exit_code"]:
                print(r["log_tail"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    first = results["audits"][0]
    s = first["summary"]
    timing = s.get("stats", {}).get("rule_seconds", {})
    cpu = s.get("stats", {}).get("rule_cpu_seconds", {})
    print()
    print("| rule | findings | wall s | CPU s |")
    print("|---|---|---|---|")
    for rule, n in sorted(s.get("findings_by_rule", {}).items(), key=lambda x: -(cpu.get(x[0]) or timing.get(x[0]) or 0)):
        print(f"| {rule} | {n} | {timing.get(rule, '-')} | {cpu.get(rule, '-')} |")
    for k, v in s.get("stats", {}).items():
        if k not in ("rule_seconds", "rule_cpu_seconds"):
            print(f"| ({k}) | | {v} | |")
    print(f"\nfindings digest {s.get('digest')}, site_year_stats {s.get('site_year_stats_rows')} rows digest {s.get('site_year_stats_digest')}")
    if args.compare:
        old = json.loads(Path(args.compare).read_text())["audits"][0]["summary"]
        same = True
        for rule in sorted(set(old["findings_by_rule"]) | set(s["findings_by_rule"])):
            a, b = old["findings_by_rule"].get(rule), s["findings_by_rule"].get(rule)
            da, db_ = old.get("digest_by_rule", {}).get(rule), s.get("digest_by_rule", {}).get(rule)
            flag = "" if (a == b and da == db_) else "  <-- differs"
            same &= not flag
            print(f"  {rule:32} {a!s:>7} → {b!s:<7} {da} → {db_}{flag}")
        print(f"  site_year_stats {old.get('site_year_stats_digest')} → {s.get('site_year_stats_digest')}")
        print("findings identical per rule" if same else "FINDINGS DIFFER")
    name = f"auditscale{('-' + args.label) if args.label else ''}.json"
    (out / name).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(f"written {out / name}")
    return 0 if all(a["exit_code"] == 0 for a in results["audits"]) else 1


if __name__ == "__main__":
    sys.exit(main())
