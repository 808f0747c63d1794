"""A generated government-like site with known broken links, served by nginx (for bench/links.py).

    .venv/bin/python bench/linksite.py --pages 300 --dir /tmp/ls       # generate only, print a summary
    .venv/bin/python bench/linksite.py --pages 300 --dir /tmp/ls --serve  # ... and serve until Ctrl-C

Two hosts, both on loopback:

* the site, ``http://127.0.0.1:P1/`` — exactly ``--pages`` HTML pages: a home page, 关于我们 /
  网站地图 / 联系我们, ~12 columns (栏目) with TRS-style list pages (``index.html``,
  ``index_1.html`` …, 20 items each) and article pages, plus a few internal soft-404 pages.
  Every page has ~40 links: header nav, breadcrumb, related articles, 相关链接 to the
  "other site", attachments (.pdf/.doc/.xls, some with Chinese file names), images, footer.
* the "other site", ``http://127.0.0.2:P2/`` — leaf pages (no links) and attachments, plus
  nginx locations that fail in their own ways (403, 410, 500, 503, redirect to a 404,
  redirect loop), refuse HEAD (405) but answer GET (not broken), redirect to a good page (not
  broken), or send many URLs to one 200 "not found" page (a soft-404 funnel).
  ``127.0.0.2:P3`` refuses connections (nothing listens) and ``127.0.0.2:P4`` accepts TCP
  but never answers (a timeout).

Broken links are ~2 % of all link occurrences.  Every broken target is linked from 1 to at
most 50 pages (govaudit lists at most 50 linking pages per finding), a few from exactly 50.
Soft-404s: 200 pages whose title is 页面不存在, either with the phrase in the body too
("body" variant) or only in the title, the body saying 抱歉，您访问的页面走丢了 ("title-only"
variant); on the site itself (crawled) and on the other site (only checked).

``generate()`` writes the files and returns the truth (also written to ``truth.json``):
every broken target URL with its category and the pages linking to it, the soft-404 targets,
and the URLs that look suspicious but work (HEAD refused, redirects to a good page).

``Nginx`` runs ``nginx -g 'daemon off;'`` with a generated config in the work directory
(one worker, access log with method/status/host per request); ``Blackhole`` is the
never-answering listener.  Nothing listens anywhere but 127.0.0.1 / 127.0.0.2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

SITE_NAME = "云岭市人民政府"
SITE_ID = "5301000001"
TODAY = "2026-11-20"
PER_LIST = 20
BROKEN_SHARE = 0.02  # of all link occurrences
MAX_LINKERS = 50  # govaudit's evidence list cap (audits/links.py MAX_LISTED_PAGES)

COLUMNS = [
    ("zwyw", "政务要闻", "动态要闻"),
    ("bmdt", "部门动态", "动态要闻"),
    ("tzgg", "通知公告", "通知公告"),
    ("zcwj", "政策文件", "政策文件"),
    ("zcjd", "政策解读", "政策文件"),
    ("rsxx", "人事信息", "人事信息"),
    ("ghjh", "规划计划", "规划计划"),
    ("czxx", "财政信息", "财政信息"),
    ("tjxx", "统计信息", "统计信息"),
    ("zdxm", "重点项目", "应更新"),
    ("zbcg", "招标采购", "通知公告"),
    ("zmhd", "政民互动", "应更新"),
]
TOPICS = [
    "优化营商环境",
    "安全生产大检查",
    "乡村振兴",
    "城乡居民医疗保险",
    "秋冬季森林防火",
    "高标准农田建设",
    "老旧小区改造",
    "义务教育学生资助",
    "重点项目建设",
    "稳就业保民生",
    "食品安全监督抽检",
    "生态环境保护",
    "冬季供暖保障",
    "数字政府建设",
]
FORMS = [
    "关于印发《云岭市{t}实施方案》的通知",
    "云岭市召开{t}工作推进会",
    "关于做好{t}工作的通知",
    "云岭市{t}工作取得阶段性成效",
    "《云岭市{t}三年行动计划》政策解读",
    "关于{t}有关事项的公告",
    "云岭市{t}情况通报",
]
PHRASES = [
    "为深入贯彻落实党中央、国务院决策部署",
    "按照省委、省政府工作要求",
    "进一步提升政务服务水平",
    "坚持以人民为中心的发展思想",
    "统筹发展和安全",
    "各县（市、区）人民政府",
    "加强组织领导，压实工作责任",
    "建立健全长效工作机制",
    "推动高质量发展",
    "聚焦群众急难愁盼问题",
    "全面排查风险隐患",
    "持续深化“放管服”改革",
    "做好政策宣传解读",
    "会议强调",
    "截至目前",
    "同比增长",
]
CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开"
EXT_NAMES = [
    "中国政府网",
    "省人民政府",
    "国家政务服务平台",
    "省政务服务网",
    "信用中国",
    "国家统计局",
    "省发展改革委",
    "市场监管总局",
]
ATT_NAMES = [
    "工作要点",
    "实施细则",
    "申报表",
    "名单公示",
    "统计表",
    "预算公开表",
    "政策解读图解",
    "意见征集表",
]

# broken target categories: (name, weight); a category's targets all fail the same way
BROKEN_CATEGORIES = [
    ("site-page-404", 30),
    ("site-attachment-404", 14),
    ("site-image-404", 10),
    ("ext-page-404", 14),
    ("ext-attachment-404", 4),
    ("ext-403", 4),
    ("ext-410", 2),
    ("ext-500", 4),
    ("ext-503", 2),
    ("ext-redirect-to-404", 5),
    ("ext-redirect-loop", 3),
    ("ext-refused", 4),
]
TIMEOUT_TARGETS = 2  # ext-timeout: few, each costs every tool its timeout


def _linker_count(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.55:
        return rng.randint(1, 3)
    if r < 0.85:
        return rng.randint(4, 12)
    if r < 0.97:
        return rng.randint(13, MAX_LINKERS - 1)
    return MAX_LINKERS


@dataclass
class Hosts:
    site: str  # http://127.0.0.1:P1
    ext: str  # http://127.0.0.2:P2
    refused: str  # http://127.0.0.2:P3, nothing listens
    hang: str  # http://127.0.0.2:P4, never answers

    @property
    def ports(self) -> dict[str, int]:
        return {k: int(v.rsplit(":", 1)[1]) for k, v in self.__dict__.items()}


def free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def pick_hosts() -> Hosts:
    return Hosts(
        site=f"http://127.0.0.1:{free_port('127.0.0.1')}",
        ext=f"http://127.0.0.2:{free_port('127.0.0.2')}",
        refused=f"http://127.0.0.2:{free_port('127.0.0.2')}",
        hang=f"http://127.0.0.2:{free_port('127.0.0.2')}",
    )


@dataclass
class Page:
    path: str
    kind: str  # home | static | list | article | soft404
    title: str
    column: int = -1
    links: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # (section, href, text); section "img" = <img src>


class SiteGen:
    def __init__(self, n_pages: int, hosts: Hosts, seed: int = 1) -> None:
        if n_pages < 30:
            raise ValueError("--pages must be at least 30")
        self.n = n_pages
        self.h = hosts
        self.rng = random.Random(seed)
        self.paragraphs = [self._paragraph() for _ in range(200)]
        self.pages: list[Page] = []
        self.files: dict[
            str, bytes
        ] = {}  # "in/..." or "ext/..." -> body (non-HTML and external pages)
        self.truth: dict = {}

    # -- text ------------------------------------------------------------------
    def _paragraph(self) -> str:
        rng = self.rng
        return (
            "　　"
            + "；".join(
                rng.choice(PHRASES)
                + "，"
                + "".join(rng.choices(CHARS, k=rng.randint(12, 36)))
                for _ in range(rng.randint(3, 7))
            )
            + "。"
        )

    def _title(self) -> str:
        return self.rng.choice(FORMS).format(t=self.rng.choice(TOPICS))

    # -- plan ------------------------------------------------------------------
    def plan(self) -> None:
        rng, n = self.rng, self.n
        n_soft_site = max(3, n // 500)
        n_cols = min(len(COLUMNS), max(2, n // 60))
        budget = n - 4 - n_soft_site  # home, about, sitemap, contact
        self.cols = COLUMNS[:n_cols]
        self.col_lists: list[list[str]] = []
        self.col_articles: list[list[Page]] = []
        aid = 1000
        for c in range(n_cols):
            b = budget // n_cols + (1 if c < budget % n_cols else 0)
            a = b
            while a + math.ceil(a / PER_LIST) > b:
                a -= 1
            lists = math.ceil(a / PER_LIST)
            slug = self.cols[c][0]
            arts = []
            for k in range(a):
                aid += 1
                month = 11 - (k * 12 // max(a, 1)) % 11
                day = 1 + (aid * 7) % 28
                arts.append(
                    Page(
                        f"/{slug}/2026{month:02d}/t2026{month:02d}{day:02d}_{aid}.html",
                        "article",
                        self._title(),
                        c,
                    )
                )
            self.col_articles.append(arts)
            names = ["index.html"] + [f"index_{i}.html" for i in range(1, lists)]
            self.col_lists.append([f"/{slug}/{nm}" for nm in names])
        used = sum(len(a) + len(l) for a, l in zip(self.col_articles, self.col_lists))
        self.n_zt = budget - used
        self.home = Page("/", "home", f"{SITE_NAME}门户网站")
        self.static = [
            Page("/about.html", "static", "关于我们"),
            Page("/sitemap.html", "static", "网站地图"),
            Page("/contact.html", "static", "联系我们"),
        ]
        self.static += [
            Page(f"/zt/zt{k + 1}.html", "static", f"专题：{rng.choice(TOPICS)}")
            for k in range(self.n_zt)
        ]
        self.lists = [
            Page(p, "list", self.cols[c][1], c)
            for c, ps in enumerate(self.col_lists)
            for p in ps
        ]
        self.articles = [p for arts in self.col_articles for p in arts]
        # internal soft-404s: article-like URLs that answer 200 with a "not found" page
        self.soft_site = []
        for k in range(n_soft_site):
            c = rng.randrange(n_cols)
            variant = "body" if k % 2 == 0 else "title-only"
            self.soft_site.append(
                Page(
                    f"/{self.cols[c][0]}/202605/t20260512_{90000 + k}.html",
                    "soft404",
                    "页面不存在",
                    c,
                )
            )
            self.soft_site[-1].variant = variant  # type: ignore[attr-defined]
        self.pages = [
            self.home,
            *self.static,
            *self.lists,
            *self.articles,
            *self.soft_site,
        ]
        assert len(self.pages) == n, (len(self.pages), n)

        # resource pools (all exist)
        n_att = max(20, n // 4)
        self.attachments = []
        for k in range(n_att):
            ext = rng.choice(["pdf", "pdf", "doc", "xls", "docx"])
            if k % 5 == 0:
                name = f"/files/2026/{rng.choice(ATT_NAMES)}{k}.{ext}"  # raw Chinese in href, served by nginx
            else:
                name = f"/files/2026/P0202611{k:06d}.{ext}"
            self.attachments.append(name)
        self.images = [f"/images/pic/{k:05d}.jpg" for k in range(max(20, n // 4))]
        n_ext = max(30, n // 8)
        self.ext_pages = [f"{self.h.ext}/news/{k:05d}.html" for k in range(n_ext)]
        self.ext_headno = [
            f"{self.h.ext}/headno/{k:04d}.html" for k in range(max(3, n // 100))
        ]
        self.ext_moved = [
            f"{self.h.ext}/moved/{k:05d}.html" for k in range(max(3, n // 200))
        ]  # -> /news/k (good)
        self.ext_att = [
            f"{self.h.ext}/upload/{k:05d}.pdf" for k in range(max(5, n // 50))
        ]
        self.good_ext = self.ext_pages + self.ext_headno + self.ext_moved + self.ext_att

    # -- links -----------------------------------------------------------------
    def _nav(self) -> list[tuple[str, str, str]]:
        return [("nav", "/", "首页")] + [
            ("nav", f"/{s}/index.html", name) for s, name, _ in self.cols
        ]

    def _footer(self) -> list[tuple[str, str, str]]:
        return [
            ("foot", "/about.html", "关于我们"),
            ("foot", "/sitemap.html", "网站地图"),
            ("foot", "/contact.html", "联系我们"),
            ("img", "/images/dzjg.png", "党政机关"),
            ("img", "/images/logo.png", SITE_NAME),
        ]

    def _externals(self, k: int) -> list[tuple[str, str, str]]:
        return [
            ("ext", u, self.rng.choice(EXT_NAMES))
            for u in self.rng.sample(self.good_ext, k)
        ]

    def build_links(self) -> None:
        rng = self.rng
        arts = self.articles
        pos = {a.path: j for col in self.col_articles for j, a in enumerate(col)}
        for p in self.pages:
            if p.kind == "soft404":
                p.links = [("nav", "/", "返回首页")]
                continue
            links = self._nav()
            if p.kind == "home":
                for c in range(len(self.cols)):
                    for a in self.col_articles[c][:6]:
                        links.append(("list", a.path, a.title))
                links += self._externals(6)
            elif p.kind == "static":
                if p.path == "/sitemap.html":
                    links += [
                        ("list", lp, self.cols[c][1])
                        for c, lps in enumerate(self.col_lists)
                        for lp in lps[:3]
                    ]
                else:
                    links += [
                        ("list", a.path, a.title)
                        for a in rng.sample(arts, min(8, len(arts)))
                    ]
                links += self._externals(3)
            elif p.kind == "list":
                c = p.column
                lps = self.col_lists[c]
                i = lps.index(p.path)
                links.append(("crumb", "/", "首页"))
                links.append(("crumb", lps[0], self.cols[c][1]))
                for a in self.col_articles[c][i * PER_LIST : (i + 1) * PER_LIST]:
                    links.append(("list", a.path, a.title))
                pager = sorted(
                    {
                        0,
                        max(0, i - 1),
                        min(len(lps) - 1, i + 1),
                        len(lps) - 1,
                        *range(max(0, i - 3), min(len(lps), i + 4)),
                    }
                )
                links += [("pager", lps[j], str(j + 1)) for j in pager if j != i]
                links += self._externals(4)
            else:  # article
                c = p.column
                col_arts = self.col_articles[c]
                j = pos[p.path]
                links.append(("crumb", "/", "首页"))
                links.append(("crumb", self.col_lists[c][0], self.cols[c][1]))
                links += [
                    ("related", a.path, a.title)
                    for a in rng.sample(arts, min(10, len(arts)))
                    if a is not p
                ]
                if j > 0:
                    links.append(
                        (
                            "prev",
                            col_arts[j - 1].path,
                            "上一篇：" + col_arts[j - 1].title,
                        )
                    )
                if j + 1 < len(col_arts):
                    links.append(
                        (
                            "next",
                            col_arts[j + 1].path,
                            "下一篇：" + col_arts[j + 1].title,
                        )
                    )
                for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
                    att = rng.choice(self.attachments)
                    links.append(("att", att, "附件：" + att.rsplit("/", 1)[1]))
                links.append(("img", rng.choice(self.images), p.title))
                links += self._externals(5)
            links += self._footer()
            p.links = links
        # internal soft-404s are linked like broken targets (each from 1..50 pages)
        self.linkable = [p for p in self.pages if p.kind != "soft404"]

    def _place(self, url: str, text: str, section: str, count: int) -> list[str]:
        pages = self.rng.sample(self.linkable, min(count, len(self.linkable)))
        for p in pages:
            p.links.append((section, url, text))
        return [p.path for p in pages]

    def add_failures(self) -> None:
        rng, h = self.rng, self.h
        total = sum(len(p.links) for p in self.pages)
        want = int(
            total * BROKEN_SHARE / (1 - BROKEN_SHARE)
        )  # broken occurrences among all links
        cats = [c for c, _ in BROKEN_CATEGORIES]
        weights = [w for _, w in BROKEN_CATEGORIES]
        broken: dict[str, dict] = {}
        placed = 0
        seq = 0

        def add(cat: str, count: int) -> None:
            nonlocal seq, placed
            seq += 1
            k = seq
            section, text, alias = "broken", self._title(), None
            if cat == "site-page-404":
                c = rng.randrange(len(self.cols))
                url = f"/{self.cols[c][0]}/202509/t20250918_{50000 + k}.html"
            elif cat == "site-attachment-404":
                ext = rng.choice(["pdf", "doc", "xls"])
                url = (
                    f"/files/2025/{rng.choice(ATT_NAMES)}（已撤）{k}.{ext}"
                    if k % 4 == 0
                    else f"/files/2025/P0202509{k:06d}.{ext}"
                )
                section, text = "att", "附件：" + url.rsplit("/", 1)[1]
            elif cat == "site-image-404":
                url, section = f"/images/2025/{k:05d}.jpg", "img"
            elif cat == "ext-page-404":
                url = f"{h.ext}/news/gone_{k:05d}.html"
            elif cat == "ext-attachment-404":
                url, section = f"{h.ext}/upload/gone_{k:05d}.pdf", "att"
                text = "附件：" + url.rsplit("/", 1)[1]
            elif cat == "ext-403":
                url = f"{h.ext}/forbidden/{k:05d}.html"
            elif cat == "ext-410":
                url = f"{h.ext}/gone/{k:05d}.html"
            elif cat == "ext-500":
                url = f"{h.ext}/err500/{k:05d}.html"
            elif cat == "ext-503":
                url = f"{h.ext}/err503/{k:05d}.html"
            elif cat == "ext-redirect-to-404":
                url = f"{h.ext}/old/{k:05d}.html"
                alias = f"{h.ext}/missing/{k:05d}.html"
            elif cat == "ext-redirect-loop":
                url = f"{h.ext}/loop/{k:05d}.html"
            elif cat == "ext-refused":
                url = f"{h.refused}/news/{k:05d}.html"
            elif cat == "ext-timeout":
                url = f"{h.hang}/news/{k:05d}.html"
            else:
                raise AssertionError(cat)
            count = rng.randint(1, 4) if cat == "ext-timeout" else _linker_count(rng)
            pages = self._place(url, text, section, count)
            placed += len(pages)
            full = url if url.startswith("http") else h.site + quote(url)
            broken[full] = {
                "category": cat,
                "pages": [h.site + quote(p) for p in pages],
            }
            if alias:
                broken[full]["final_url"] = alias

        for _ in range(TIMEOUT_TARGETS):
            add("ext-timeout", 0)
        while placed < want:
            add(rng.choices(cats, weights)[0], 0)

        soft: dict[str, dict] = {}
        for p in self.soft_site:
            pages = self._place(p.path, self._title(), "related", _linker_count(rng))
            soft[h.site + p.path] = {
                "category": f"site-soft404-{p.variant}",
                "pages": [h.site + quote(x) for x in pages],
            }  # type: ignore[attr-defined]
        n_soft_ext = max(4, self.n // 250)
        self.ext_soft = []
        for k in range(n_soft_ext):
            variant = "body" if k % 2 == 0 else "title-only"
            url = f"{h.ext}/news/{80000 + k}.html"
            self.ext_soft.append((url, variant))
            pages = self._place(url, rng.choice(EXT_NAMES), "ext", _linker_count(rng))
            soft[url] = {
                "category": f"ext-soft404-{variant}",
                "pages": [h.site + quote(x) for x in pages],
            }
        for k in range(
            max(3, self.n // 500)
        ):  # several URLs redirected to one 200 "not found" page
            url = f"{h.ext}/lost/{k:05d}.html"
            pages = self._place(url, rng.choice(EXT_NAMES), "ext", _linker_count(rng))
            soft[url] = {
                "category": "ext-soft404-funnel",
                "pages": [h.site + quote(x) for x in pages],
                "final_url": f"{h.ext}/notfound.html",
            }
        # suspicious but working: every tool should stay silent on these
        working = {
            u: "ext-head-refused (405 on HEAD, 200 on GET)" for u in self.ext_headno
        }
        working.update({u: "ext-redirect-to-good (301)" for u in self.ext_moved})
        working.update(
            {
                h.site + quote(a): "site-attachment-chinese-name"
                for a in self.attachments
                if "/P0" not in a
            }
        )
        total = sum(len(p.links) for p in self.pages)
        self.truth = {
            "pages": self.n,
            "hosts": self.h.__dict__,
            "link_occurrences": total,
            "broken_occurrences": sum(len(v["pages"]) for v in broken.values()),
            "broken": broken,
            "soft404": soft,
            "working_tricky": {u: w for u, w in working.items() if self._is_linked(u)},
            "page_urls": [h.site + quote(p.path) for p in self.pages],
        }

    def _is_linked(self, full: str) -> bool:
        if not hasattr(self, "_linked"):
            self._linked = {
                (href if href.startswith("http") else self.h.site + quote(href))
                for p in self.pages
                for _, href, _ in p.links
            }
        return full in self._linked

    # -- render ----------------------------------------------------------------
    def render(self, p: Page) -> str:
        rng = self.rng
        meta = {"SiteName": SITE_NAME, "SiteDomain": "127.0.0.1", "SiteIDCode": SITE_ID}
        if p.kind in ("list", "article"):
            meta["ColumnName"] = self.cols[p.column][1]
            meta["ColumnType"] = self.cols[p.column][2]
        if p.kind == "article":
            meta["ArticleTitle"] = p.title
            meta["PubDate"] = (
                "2026-"
                + p.path.split("/t2026")[1][:2]
                + "-"
                + p.path.split("/t2026")[1][2:4]
                + " 10:00"
            )
        out = ['<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">']
        out += [f'<meta name="{k}" content="{v}">' for k, v in meta.items()]
        title = p.title if p.kind == "soft404" else f"{p.title}_{SITE_NAME}"
        out.append(f"<title>{title}</title>")
        out.append(
            '<link rel="stylesheet" href="/images/style.css">\n<script src="/images/common.js"></script>\n</head>\n<body>'
        )
        if p.kind == "soft404":
            if p.variant == "body":  # type: ignore[attr-defined]
                out.append(
                    '<div class="e404"><h1>页面不存在</h1><p>对不起，您访问的页面不存在或已被删除。</p>'
                )
            else:
                out.append(
                    '<div class="e404"><img src="/images/404.png" alt=""><p>抱歉，您访问的页面走丢了……</p>'
                )
            out.append('<p><a href="/">返回首页</a></p></div>\n</body>\n</html>\n')
            return "\n".join(out)
        by = {}
        for sec, href, text in p.links:
            by.setdefault(sec, []).append((href, text))
        a = lambda href, text: f'<a href="{href}" target="_blank">{text}</a>'
        out.append(
            f'<div class="head"><img src="/images/logo.png" alt="{SITE_NAME}"></div>'
        )
        out.append(
            '<div class="nav"><ul>'
            + "".join(f"<li>{a(h, t)}</li>" for h, t in by.get("nav", []))
            + "</ul></div>"
        )
        if "crumb" in by:
            out.append(
                '<div class="crumb">当前位置：'
                + " &gt; ".join(a(h, t) for h, t in by["crumb"])
                + "</div>"
            )
        out.append('<div class="main">')
        if p.kind == "article":
            date = meta["PubDate"]
            out.append(
                f'<div class="article"><h1>{p.title}</h1><div class="info">发布时间：{date}　来源：{SITE_NAME}办公室</div>'
            )
            out.append(
                '<div class="content" id="zoom">'
                + "".join(f"<p>{x}</p>" for x in rng.sample(self.paragraphs, 4))
            )
            for h, t in by.get("img", []):
                if h.startswith("/images/pic/"):
                    out.append(
                        f'<p style="text-align:center"><img src="{h}" alt="{t}"></p>'
                    )
            out.append("</div>")
            if "att" in by:
                out.append(
                    '<div class="fj">附件：<ul>'
                    + "".join(f"<li>{a(h, t)}</li>" for h, t in by["att"])
                    + "</ul></div>"
                )
            out.append(
                '<div class="pn">'
                + "".join(
                    f"<p>{a(h, t)}</p>"
                    for h, t in by.get("prev", []) + by.get("next", [])
                )
                + "</div>"
            )
            out.append(
                '<div class="related"><h3>相关文章</h3><ul>'
                + "".join(f"<li>{a(h, t)}</li>" for h, t in by.get("related", []))
                + "</ul></div></div>"
            )
        else:
            if p.kind == "static":
                out.append(
                    f"<h1>{p.title}</h1>"
                    + "".join(f"<p>{x}</p>" for x in rng.sample(self.paragraphs, 2))
                )
            if "att" in by:
                out.append(
                    '<div class="fj"><ul>'
                    + "".join(f"<li>{a(h, t)}</li>" for h, t in by["att"])
                    + "</ul></div>"
                )
            out.append('<ul class="list">')
            for h, t in by.get("list", []) + by.get("related", []):
                out.append(
                    f"<li>{a(h, t)}<span>[{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}]</span></li>"
                )
            out.append("</ul>")
            if "pager" in by:
                out.append(
                    '<div class="page">'
                    + "&nbsp;".join(a(h, t) for h, t in by["pager"])
                    + "</div>"
                )
        if "broken" in by:
            out.append(
                '<div class="more"><ul>'
                + "".join(f"<li>{a(h, t)}</li>" for h, t in by["broken"])
                + "</ul></div>"
            )
        for h, t in by.get("img", []):
            if not h.startswith(
                ("/images/pic/", "/images/logo.png", "/images/dzjg.png")
            ):
                out.append(f'<p><img src="{h}" alt="{t}"></p>')
        out.append("</div>")
        out.append(
            '<div class="links"><h3>相关链接</h3><ul>'
            + "".join(f"<li>{a(h, t)}</li>" for h, t in by.get("ext", []))
            + "</ul></div>"
        )
        out.append(
            '<div class="foot"><p>'
            + " | ".join(a(h, t) for h, t in by.get("foot", []))
            + "</p>"
        )
        out.append(
            f"<p>主办：{SITE_NAME}办公室　网站标识码：{SITE_ID}　滇ICP备05000001号-1</p>"
        )
        out.append(
            '<p><img src="/images/dzjg.png" alt="党政机关"></p></div>\n</body>\n</html>\n'
        )
        return "\n".join(out)

    def write(self, root: Path) -> None:
        if root.exists():
            shutil.rmtree(root)
        site, ext = root / "in", root / "ext"
        for p in self.pages:
            path = site / (p.path.lstrip("/") or "index.html")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.render(p), encoding="utf-8")
        pdf = b"%PDF-1.4\n" + b"0" * 3000 + b"\n%%EOF\n"
        for att in self.attachments:
            f = site / att.lstrip("/")
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_bytes(pdf)
        jpg = b"\xff\xd8\xff\xe0" + b"\x00" * 2000 + b"\xff\xd9"
        for img in [
            *self.images,
            "/images/logo.png",
            "/images/dzjg.png",
            "/images/404.png",
        ]:
            f = site / img.lstrip("/")
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_bytes(jpg)
        (site / "images" / "style.css").write_text(
            "body{font-family:'Microsoft YaHei'}\n"
        )
        (site / "images" / "common.js").write_text("function setFont(s){}\n")

        def leaf(title: str, body: str) -> str:
            return (
                f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{title}</title></head>\n'
                f"<body>{body}</body></html>\n"
            )

        def ext_file(url: str, content: str | bytes) -> None:
            f = ext / url.split("/", 3)[3]
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_bytes(
                content if isinstance(content, bytes) else content.encode("utf-8")
            )

        for u in self.ext_pages + self.ext_headno:
            ext_file(
                u,
                leaf(
                    f"{self.rng.choice(EXT_NAMES)}",
                    "<h1>欢迎访问</h1><p>" + self.rng.choice(self.paragraphs) + "</p>",
                ),
            )
        for u in self.ext_att:
            ext_file(u, pdf)
        for u, variant in self.ext_soft:
            body = (
                "<h1>页面不存在</h1><p>对不起，您访问的页面不存在或已被删除。</p>"
                if variant == "body"
                else "<p>抱歉，您访问的页面走丢了……</p><p>请返回首页继续浏览。</p>"
            )
            ext_file(u, leaf("页面不存在", body))
        ext_file(
            f"{self.h.ext}/notfound.html",
            leaf(
                "页面不存在",
                "<h1>页面不存在</h1><p>对不起，您访问的页面不存在或已被删除。</p>",
            ),
        )
        (root / "truth.json").write_text(
            json.dumps(self.truth, ensure_ascii=False, indent=1), encoding="utf-8"
        )


def generate(root: Path, n_pages: int, hosts: Hosts, seed: int = 1) -> dict:
    g = SiteGen(n_pages, hosts, seed)
    g.plan()
    g.build_links()
    g.add_failures()
    g.write(root)
    return g.truth


# -- serving -------------------------------------------------------------------

NGINX_CONF = """\
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    charset utf-8;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    server_tokens off;
    client_body_temp_path {run}/tmp_body;
    proxy_temp_path {run}/tmp_proxy;
    fastcgi_temp_path {run}/tmp_fastcgi;
    uwsgi_temp_path {run}/tmp_uwsgi;
    scgi_temp_path {run}/tmp_scgi;
    log_format bench '$server_addr $request_method $status "$request_uri" $body_bytes_sent';
    access_log {run}/access.log bench buffer=256k flush=1s;
    server {{
        # the site itself; "LinkChecker: 1" is LinkChecker's documented opt-in of a site owner
        # for more than 10 requests/s (linkcheckerrc maxrequestspersecond)
        listen 127.0.0.1:{site_port};
        root {root}/in;
        index index.html;
        add_header LinkChecker 1;
    }}
    server {{
        # the "other site": its own failures
        listen 127.0.0.2:{ext_port};
        root {root}/ext;
        location /forbidden/ {{ return 403; }}
        location /gone/ {{ return 410; }}
        location /err500/ {{ return 500; }}
        location /err503/ {{ return 503; }}
        location /loop/ {{ return 301 $uri; }}
        location /old/ {{ rewrite ^/old/(.*)$ /missing/$1 permanent; }}
        location /moved/ {{ rewrite ^/moved/(.*)$ /news/$1 permanent; }}
        location /lost/ {{ return 302 /notfound.html; }}
        location /headno/ {{ if ($request_method = HEAD) {{ return 405; }} }}
    }}
}}
"""


class Nginx:
    """``nginx -g 'daemon off;'`` in the foreground of a child process, config in ``run``."""

    def __init__(self, root: Path, hosts: Hosts, run: Path) -> None:
        self.root, self.hosts, self.run = root, hosts, run
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        exe = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(exe).exists():
            raise RuntimeError("nginx is not installed (apt-get install -y nginx)")
        self.run.mkdir(parents=True, exist_ok=True)
        ports = self.hosts.ports
        conf = self.run / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                run=self.run,
                root=self.root.resolve(),
                site_port=ports["site"],
                ext_port=ports["ext"],
            )
        )
        # the worker runs as nobody: every directory on the way must be traversable
        for d in [self.root.resolve(), *self.root.resolve().parents, self.run]:
            try:
                os.chmod(d, os.stat(d).st_mode | 0o055)
            except PermissionError:
                pass
        with open(self.run / "stderr.log", "wb") as err:
            self.proc = subprocess.Popen(
                [
                    exe,
                    "-p",
                    str(self.run),
                    "-c",
                    str(conf),
                    "-e",
                    str(self.run / "error.log"),
                    "-g",
                    "daemon off;",
                ],
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        deadline = time.monotonic() + 10
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while True:
            try:
                opener.open(self.hosts.site + "/", timeout=2).read()
                opener.open(self.hosts.ext + "/notfound.html", timeout=2).read()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    logs = [self.run / "stderr.log", self.run / "error.log"]
                    raise RuntimeError(
                        "nginx did not start: "
                        + " ".join(
                            p.read_text(errors="replace") for p in logs if p.exists()
                        )
                    )
                time.sleep(0.1)

    def log_size(self) -> int:
        self.flush()
        p = self.run / "access.log"
        return p.stat().st_size if p.exists() else 0

    def flush(self) -> None:
        time.sleep(1.2)  # the log buffer is flushed at least every second

    def log_since(self, offset: int) -> list[str]:
        self.flush()
        with open(self.run / "access.log", "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace").splitlines()

    def pids(self) -> list[int]:
        try:
            import psutil

            p = psutil.Process(self.proc.pid)
            return [p.pid] + [c.pid for c in p.children(recursive=True)]
        except (ImportError, OSError, ValueError):  # psutil missing, process gone
            return [self.proc.pid] if self.proc else []

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Blackhole:
    """A listening socket that never accepts: connections hang until the client times out."""

    def __init__(self, url: str) -> None:
        host, port = url.split("//", 1)[1].split(":")
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, int(port)))
        self.sock.listen(4)

    def close(self) -> None:
        self.sock.close()


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--serve", action="store_true")
    a = ap.parse_args()
    hosts = pick_hosts()
    t0 = time.monotonic()
    truth = generate(a.dir / "site", a.pages, hosts, a.seed)
    cats: dict[str, int] = {}
    for v in truth["broken"].values():
        cats[v["category"]] = cats.get(v["category"], 0) + 1
    print(
        f"generated {truth['pages']} pages in {time.monotonic() - t0:.1f}s: {truth['link_occurrences']} links, "
        f"{len(truth['broken'])} broken targets ({truth['broken_occurrences']} occurrences), {len(truth['soft404'])} soft-404 targets"
    )
    print(json.dumps(cats, ensure_ascii=False))
    if a.serve:
        ng, hole = Nginx(a.dir / "site", hosts, a.dir / "nginx"), Blackhole(hosts.hang)
        ng.start()
        print(
            f"serving {hosts.site}/ and {hosts.ext}/ (refused: {hosts.refused}, hang: {hosts.hang}); Ctrl-C stops",
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            ng.stop()
            hole.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
