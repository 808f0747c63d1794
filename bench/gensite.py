"""A generated government-like site for crawl benchmarks (stdlib only).

    python bench/gensite.py --pages 10000 [--port 0] [--seed 1]
    python bench/gensite.py --pages 200 --dump /tmp/site      # write the pages to disk instead

Every body is generated up front and kept in memory; a small asyncio HTTP/1.1
server (keep-alive, Content-Length, no compression) then serves them, so the
server does almost no work per request.  When it is ready it prints one line:

    READY http://127.0.0.1:PORT/ pages=10000 bytes=212345678 gen_seconds=3.1

The site: a portal of ~50 columns (栏目).  Each column has TRS-style list pages
(``index.html``, ``index_1.html`` … with a ``createPageHTML(n, i, "index",
"html")`` call and a plain numbered pager in ``<noscript>`` for tools that do
not run scripts), 20 dated items per list page, and article pages at
``/<column>/202611/t20261103_N.html`` with the SiteName/SiteIDCode/ColumnName/
ArticleTitle/PubDate meta tags and a visible ``发布时间：2026-11-03 10:32``.
A few static pages (关于我们, 网站地图, 联系我们, 专题) make the total exactly
``--pages`` HTML pages.  Every page has a header nav of ~40 links and a footer
with 网站标识码 and ICP number.  "External" links (中国政府网 …) point at an
unused loopback address, so nothing ever leaves the machine.

Every answer carries an ``ETag`` and a ``Last-Modified`` derived from the body
bytes (stable across restarts, as nginx's are for unchanged files), and a
conditional GET that matches (``If-None-Match``, else ``If-Modified-Since``
exactly, nginx's default) is answered ``304 Not Modified``: an incremental
recrawl of the unchanged site can be measured (bench/incremental.py).

Bench-only endpoints (never linked, not counted): ``/__bench/stats`` (JSON
counters), ``/__bench/reset``, ``/__bench/paths`` (every HTML path, one a line).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import email.utils
import hashlib
import json
import math
import os
import random
import signal
import sys
import time
from pathlib import Path

SITE_NAME = "云岭市人民政府"
SITE_ID = "5301000001"
ICP = "滇ICP备05000001号-1"
POLICE = "滇公网安备 53010202000001号"
CITY = "云岭市"
EXTERNAL = "http://127.0.0.9:9"  # "other sites": a loopback address nobody listens on
TODAY = dt.date(2026, 11, 20)
PER_LIST = 20

# (slug, name, ColumnType, days between two articles)
COLUMNS = [
    ("zwyw", "政务要闻", "动态要闻", 0.5), ("bmdt", "部门动态", "动态要闻", 0.7), ("xzdt", "乡镇动态", "动态要闻", 1),
    ("tzgg", "通知公告", "通知公告", 2), ("zcwj", "政策文件", "政策文件", 4), ("zcjd", "政策解读", "政策文件", 5),
    ("rsxx", "人事信息", "人事信息", 9), ("ghjh", "规划计划", "规划计划", 20), ("czyjs", "财政预决算", "财政信息", 15),
    ("tjxx", "统计信息", "统计信息", 10), ("ldhd", "领导活动", "动态要闻", 1), ("cwhy", "政府常务会议", "动态要闻", 7),
    ("xwfbh", "新闻发布会", "动态要闻", 6), ("zdxm", "重点项目", "应更新", 8), ("zbcg", "招标采购", "通知公告", 1.5),
    ("xzxk", "行政许可", "应更新", 1), ("xzcf", "行政处罚", "应更新", 2), ("jytabl", "建议提案办理", "应更新", 12),
    ("yjgl", "应急管理", "应更新", 6), ("aqsc", "安全生产", "应更新", 5), ("sthj", "生态环境", "应更新", 4),
    ("jyxx", "教育信息", "应更新", 3), ("ylws", "医疗卫生", "应更新", 3), ("shbz", "社会保障", "应更新", 5),
    ("jycy", "就业创业", "应更新", 4), ("zfbz", "住房保障", "应更新", 9), ("spypaq", "食品药品安全", "应更新", 7),
    ("xczx", "乡村振兴", "应更新", 4), ("ggzypz", "公共资源配置", "应更新", 3), ("gyqy", "国有企业信息", "应更新", 20),
    ("sjxx", "审计信息", "应更新", 30), ("jgsf", "价格收费", "应更新", 14), ("jgzn", "机构职能", "应更新", 60),
    ("xxgknb", "政府信息公开年报", "应更新", 90), ("xxgkzn", "政府信息公开指南", "应更新", 120),
    ("ysqgk", "依申请公开", "应更新", 30), ("qzqd", "权责清单", "应更新", 25), ("ssjygk", "双随机一公开", "应更新", 6),
    ("jsjf", "减税降费", "应更新", 11), ("yshj", "营商环境", "应更新", 3), ("mssx", "民生实事", "应更新", 8),
    ("fxkh", "防汛抗旱", "应更新", 10), ("whly", "文化旅游", "应更新", 2), ("jtys", "交通运输", "应更新", 4),
    ("zrzy", "自然资源", "应更新", 3), ("nync", "农业农村", "应更新", 3), ("scjg", "市场监管", "应更新", 2),
    ("ztzl", "专题专栏", "专题", 15), ("wsdc", "网上调查", "应更新", 45), ("zmhd", "政民互动", "应更新", 1),
]
# top-level navigation groups: (label, indexes of their sub-columns)
NAV_GROUPS = [
    ("政务动态", [0, 1, 2, 10, 11]), ("信息公开", [3, 4, 5, 6, 7, 8]), ("重点领域", [9, 13, 14, 15, 16]),
    ("政务服务", [15, 16, 21, 22, 23]), ("民生保障", [24, 25, 26, 27, 28]), ("政民互动", [49, 17, 48, 35]),
    ("专题专栏", [47, 39, 40, 41]), ("走进云岭", [42, 43, 44, 45]),
]
DEPTS = ["市发展和改革委员会", "市教育体育局", "市财政局", "市人力资源和社会保障局", "市自然资源局", "市生态环境局",
         "市住房和城乡建设局", "市交通运输局", "市农业农村局", "市卫生健康委员会", "市应急管理局", "市市场监督管理局",
         "市文化和旅游局", "市统计局", "市医疗保障局", "市政务服务管理局", "市审计局", "市水务局"]
TOPICS = ["优化营商环境", "安全生产大检查", "乡村振兴", "城乡居民医疗保险", "秋冬季森林防火", "高标准农田建设", "老旧小区改造",
          "义务教育阶段学生资助", "重点项目建设", "稳就业保民生", "食品安全监督抽检", "生态环境保护督察整改", "冬季供暖保障",
          "数字政府建设", "基层治理能力提升", "河湖长制", "耕地保护", "公共法律服务体系建设", "养老服务体系建设", "消费品以旧换新"]
TITLE_FORMS = ["关于印发《{c}{t}实施方案》的通知", "{c}召开{t}工作推进会", "{d}开展{t}专项行动", "关于做好{t}工作的通知",
               "{c}{t}工作取得阶段性成效", "《{c}{t}三年行动计划》政策解读", "{d}关于{t}有关事项的公告", "{c}部署{t}工作",
               "关于征求《{c}{t}管理办法（征求意见稿）》意见的公告", "{d}{t}情况通报", "{c}举行{t}新闻发布会"]
PHRASES = ["为深入贯彻落实党中央、国务院决策部署", "按照省委、省政府工作要求", "进一步提升政务服务水平", "坚持以人民为中心的发展思想",
           "统筹发展和安全", "切实增强人民群众获得感、幸福感、安全感", "各县（市、区）人民政府", "市直各有关部门",
           "加强组织领导，压实工作责任", "建立健全长效工作机制", "强化督促检查，确保各项任务落到实处", "推动高质量发展",
           "聚焦群众急难愁盼问题", "全面排查风险隐患", "持续深化“放管服”改革", "做好政策宣传解读", "完善考核评价体系",
           "会议指出", "会议强调", "截至目前", "全市累计完成投资", "同比增长", "共检查生产经营单位", "发现并整改问题隐患",
           "下一步", "将继续", "现将有关事项通知如下", "请结合实际认真贯彻执行", "特此公告", "本方案自印发之日起施行"]
BODY_CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府"


def _bench_style() -> str:
    rules = []
    for sel in ["body", ".top", ".head", ".nav", ".nav li", ".nav .sub", ".main", ".left", ".right", ".list li", ".list span",
                ".crumb", ".article h1", ".info", ".content p", ".xxgk table", ".page", ".foot", ".foot p", ".links select"]:
        rules.append(f"{sel}{{margin:0 auto;padding:0;font-family:'Microsoft YaHei',SimSun;font-size:14px;color:#333;line-height:1.8}}")
    return "\n".join(rules)


STYLE = _bench_style()
SCRIPT = """
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount<=1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  if(nCurrIndex == 0){ document.write("首页&nbsp;上一页&nbsp;"); }
  else if(nCurrIndex == 1){ document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;<a href=\\""+_sPageName+"."+_sPageExt+"\\">上一页</a>&nbsp;"); }
  else { document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;<a href=\\""+_sPageName+"_"+(nCurrIndex-1)+"."+_sPageExt+"\\">上一页</a>&nbsp;"); }
  if(nCurrIndex == (_nPageCount-1)){ document.write("下一页&nbsp;尾页"); }
  else { document.write("<a href=\\""+_sPageName+"_"+(nCurrIndex+1)+"."+_sPageExt+"\\">下一页</a>&nbsp;<a href=\\""+_sPageName+"_"+(_nPageCount-1)+"."+_sPageExt+"\\">尾页</a>"); }
}
function setFont(s){ var c=document.getElementById('zoom'); if(c){ c.style.fontSize=s+'px'; } }
"""


class Article:
    __slots__ = ("id", "col", "title", "when", "source", "path")

    def __init__(self, aid: int, col: int, title: str, when: dt.datetime, source: str, slug: str) -> None:
        self.id, self.col, self.title, self.when, self.source = aid, col, title, when, source
        self.path = f"/{slug}/{when:%Y%m}/t{when:%Y%m%d}_{aid}.html"


class Site:
    """All pages of the site, generated once: ``pages`` maps a path to (content type, body)."""

    def __init__(self, n_pages: int, seed: int = 1) -> None:
        if n_pages < 5:
            raise ValueError("--pages must be at least 5")
        self.rng = random.Random(seed)
        self.n_pages = n_pages
        self.pages: dict[str, tuple[bytes, bytes]] = {}
        self.n_columns = min(len(COLUMNS), max(1, (n_pages - 4) // 2))
        self.columns = COLUMNS[: self.n_columns]
        self.paragraphs = [self._paragraph() for _ in range(400)]
        self._plan()
        self._render()

    # -- content ----------------------------------------------------------------
    def _paragraph(self) -> str:
        rng = self.rng
        parts = []
        for _ in range(rng.randint(4, 9)):
            parts.append(rng.choice(PHRASES) + "，" + "".join(rng.choices(BODY_CHARS, k=rng.randint(12, 40))))
        return "　　" + "；".join(parts) + "。"

    def _title(self) -> str:
        rng = self.rng
        return rng.choice(TITLE_FORMS).format(c=CITY, t=rng.choice(TOPICS), d=CITY + rng.choice(DEPTS)[1:])

    # -- structure --------------------------------------------------------------
    def _plan(self) -> None:
        """How many articles and list pages each column gets; static pages fill the rest."""
        budget = self.n_pages - 1 - 3  # home page and 关于我们 / 网站地图 / 联系我们
        n = self.n_columns
        self.articles: list[list[Article]] = []
        self.list_count: list[int] = []
        used = 0
        aid = 1000
        for i, (slug, _name, _ctype, gap) in enumerate(self.columns):
            b = budget // n + (1 if i < budget % n else 0)
            a = b
            while a > 0 and a + max(1, math.ceil(a / PER_LIST)) > b:
                a -= 1
            lists = max(1, math.ceil(a / PER_LIST))
            if lists > b:  # not even one list page fits
                self.list_count.append(0)
                self.articles.append([])
                continue
            arts = []
            start = dt.datetime.combine(TODAY, dt.time(18, 0)) - dt.timedelta(days=self.rng.uniform(0, gap * 2))
            for k in range(a):
                when = start - dt.timedelta(days=k * gap + self.rng.uniform(0, gap * 0.5))
                when = when.replace(hour=self.rng.randint(8, 18), minute=self.rng.randint(0, 59), second=0, microsecond=0)
                aid += 1
                arts.append(Article(aid, i, self._title(), when, self.rng.choice(DEPTS), slug))
            arts.sort(key=lambda x: x.when, reverse=True)
            self.articles.append(arts)
            self.list_count.append(lists)
            used += a + lists
        self.n_static = budget - used  # 专题 pages that make the total exact
        self.static_paths = [f"/zt/zt{k + 1}.html" for k in range(self.n_static)]

    def col_url(self, i: int) -> str:
        return f"/{self.columns[i][0]}/index.html" if self.list_count[i] else "/"

    # -- page parts -------------------------------------------------------------
    def _head(self, title: str, meta: dict[str, str]) -> str:
        metas = "\n".join(f'<meta name="{k}" content="{v}">' for k, v in meta.items())
        return (
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
            f"{metas}\n<title>{title}</title>\n"
            '<link rel="stylesheet" href="/images/style.css">\n'
            f"<style>\n{STYLE}\n</style>\n"
            '<script src="/images/common.js"></script>\n'
            "<script>var _hmt = _hmt || []; var siteIdcode = '" + SITE_ID + "';</script>\n</head>\n"
        )

    def _header(self) -> str:
        out = ['<body>\n<div class="top"><div class="w1200">',
               f'<span>欢迎访问{SITE_NAME}门户网站</span>',
               '<a href="javascript:void(0);" id="wza">无障碍浏览</a> <a href="javascript:void(0);" id="zzms">长者模式</a> ',
               '<a href="javascript:void(0);" onclick="setFont(16)">大</a> <a href="javascript:void(0);" onclick="setFont(14)">中</a>',
               "</div></div>\n",
               f'<div class="head"><a href="/" class="logo"><img src="/images/logo.png" alt="{SITE_NAME}"></a>',
               '<form action="/search/" method="get" class="search"><input type="text" name="q" placeholder="请输入关键词">'
               '<input type="submit" value="搜索"></form></div>\n<div class="nav"><ul>\n<li class="on"><a href="/">首页</a></li>\n']
        for label, subs in NAV_GROUPS:
            subs = [s for s in subs if s < self.n_columns]
            if not subs:
                continue
            out.append(f'<li><a href="{self.col_url(subs[0])}">{label}</a><div class="sub">')
            out.extend(f'<a href="{self.col_url(s)}">{self.columns[s][1]}</a>' for s in subs)
            out.append("</div></li>\n")
        out.append("</ul></div>\n")
        return "".join(out)

    def _footer(self) -> str:
        ext = [("中国政府网", "/"), ("云南省人民政府", "/yn/"), ("国务院部门网站", "/bm/"), ("各省区市网站", "/sq/"),
               ("昆明市人民政府", "/km/"), ("曲靖市人民政府", "/qj/"), ("玉溪市人民政府", "/yx/"), ("大理州人民政府", "/dl/")]
        opts = "".join(f'<option value="{EXTERNAL}{p}">{n}</option>' for n, p in ext)
        links = "".join(f'<a href="{EXTERNAL}{p}" target="_blank">{n}</a> ' for n, p in ext[:4])
        return (
            '<div class="links"><span>相关链接：</span>' + links + f"<select onchange=\"window.open(this.value)\">{opts}</select></div>\n"
            '<div class="foot"><div class="w1200">\n'
            '<p><a href="/about/gywm.html">关于我们</a> | <a href="/about/wzdt.html">网站地图</a> | '
            '<a href="/about/lxwm.html">联系我们</a></p>\n'
            f"<p>主办单位：{SITE_NAME}办公室　承办单位：{CITY}大数据中心　地址：{CITY}政务中心A座 邮编：650000</p>\n"
            f"<p>网站标识码：{SITE_ID}　<a href=\"{EXTERNAL}/beian/\" target=\"_blank\">{ICP}</a>　"
            f"<a href=\"{EXTERNAL}/police/\" target=\"_blank\">{POLICE}</a></p>\n"
            f"<p>联系电话：0871-00000000（工作日 9:00-17:00）　建议使用1366*768分辨率浏览</p>\n"
            f'<a href="{EXTERNAL}/conac/" target="_blank"><img src="/images/dzjg.png" alt="党政机关"></a> '
            f'<a href="{EXTERNAL}/jiucuo/?site_code={SITE_ID}" target="_blank">政府网站找错</a>\n'
            "</div></div>\n</body>\n</html>\n"
        )

    def _side(self, i: int, exclude: int = -1) -> str:
        """热点信息 / 相关文章: a few links to recent articles of column i (and a few elsewhere)."""
        arts = [a for a in self.articles[i][:9] if a.id != exclude][:8]
        out = ['<div class="right"><div class="box"><h3>热点信息</h3><ul>']
        out.extend(f'<li><a href="{a.path}" title="{a.title}">{a.title}</a></li>' for a in arts)
        out.append('</ul></div><div class="box"><h3>栏目导航</h3><ul>')
        for j in range(max(0, i - 3), min(self.n_columns, i + 4)):
            if self.list_count[j]:
                out.append(f'<li><a href="{self.col_url(j)}">{self.columns[j][1]}</a></li>')
        out.append("</ul></div></div>\n")
        return "".join(out)

    def _crumb(self, i: int) -> str:
        return (f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="{self.col_url(i)}">信息公开</a> &gt; '
                f'<a href="{self.col_url(i)}">{self.columns[i][1]}</a></div>\n')

    def _site_meta(self) -> dict[str, str]:
        return {"SiteName": SITE_NAME, "SiteDomain": "127.0.0.1", "SiteIDCode": SITE_ID}

    # -- pages ------------------------------------------------------------------
    def _home(self) -> str:
        meta = self._site_meta() | {"ColumnName": "首页", "ColumnType": "首页", "Keywords": f"{CITY},人民政府,政务公开"}
        out = [self._head(SITE_NAME, meta), self._header(), '<div class="main">\n']
        for i in range(self.n_columns):
            if not self.list_count[i]:
                continue
            if i < 20:
                out.append(f'<div class="box"><div class="hd"><h2>{self.columns[i][1]}</h2>'
                           f'<a href="{self.col_url(i)}" class="more">更多&gt;&gt;</a></div><ul class="list">')
                for a in self.articles[i][:7]:
                    out.append(f'<li><a href="{a.path}" title="{a.title}">{a.title}</a><span>{a.when:%Y-%m-%d}</span></li>')
                if not self.articles[i]:
                    out.append("<li>暂无信息</li>")
                out.append("</ul></div>\n")
        out.append('<div class="box"><div class="hd"><h2>栏目导航</h2></div><div class="lmdh">')
        out.extend(f'<a href="{self.col_url(i)}">{c[1]}</a> ' for i, c in enumerate(self.columns) if self.list_count[i])
        out.append("</div></div>\n")
        if self.static_paths:
            out.append('<div class="box"><div class="hd"><h2>专题专栏</h2></div><ul class="zt">')
            out.extend(f'<li><a href="{p}">专题{k + 1}</a></li>' for k, p in enumerate(self.static_paths))
            out.append("</ul></div>\n")
        out.append("</div>\n")
        out.append(self._footer())
        return "".join(out)

    def _list(self, i: int, n: int) -> str:
        slug, name, ctype, _gap = self.columns[i]
        count = self.list_count[i]
        meta = self._site_meta() | {"ColumnName": name, "ColumnDescription": f"{SITE_NAME}{name}", "ColumnKeywords": name,
                                    "ColumnType": ctype}
        out = [self._head(f"{name}_{SITE_NAME}", meta), self._header(), '<div class="main">\n', self._crumb(i),
               f'<div class="left"><div class="hd"><h2>{name}</h2></div>\n<ul class="list">\n']
        chunk = self.articles[i][n * PER_LIST:(n + 1) * PER_LIST]
        for a in chunk:
            rel = "." + a.path[len(slug) + 1:]  # ./202611/t20261103_N.html
            out.append(f'<li><a href="{rel}" target="_blank" title="{a.title}">{a.title}</a><span>{a.when:%Y-%m-%d}</span></li>\n')
        if not chunk:
            out.append("<li>暂无信息</li>\n")
        out.append("</ul>\n")
        out.append(f'<div class="page" id="page_div">\n<script type="text/javascript">\nvar currentPage = {n};var countPage = {count};\n'
                   f'createPageHTML({count}, {n}, "index", "html");\n</script>\n<noscript>')
        for k in range(count):
            href = "index.html" if k == 0 else f"index_{k}.html"
            out.append(f"<span>{k + 1}</span>" if k == n else f'<a href="{href}">{k + 1}</a> ')
        out.append("</noscript>\n</div>\n</div>\n")
        out.append(self._side(i))
        out.append("</div>\n")
        out.append(self._footer())
        return "".join(out)

    def _article(self, i: int, k: int) -> str:
        a = self.articles[i][k]
        _slug, name, ctype, _gap = self.columns[i]
        pub = f"{a.when:%Y-%m-%d %H:%M}"
        meta = self._site_meta() | {
            "ColumnName": name, "ColumnDescription": f"{SITE_NAME}{name}", "ColumnKeywords": name, "ColumnType": ctype,
            "ArticleTitle": a.title, "PubDate": pub, "ContentSource": a.source, "Keywords": name,
            "Author": a.source, "Description": a.title, "Url": a.path,
        }
        rng = random.Random(a.id)
        out = [self._head(f"{a.title}_{name}_{SITE_NAME}", meta), self._header(), '<div class="main">\n', self._crumb(i),
               '<div class="left"><div class="article">\n']
        if ctype in ("政策文件", "通知公告"):
            out.append(
                '<div class="xxgk"><table>'
                f"<tr><td>索引号：</td><td>{SITE_ID[:6]}-{a.when:%Y}-{a.id:06d}</td><td>主题分类：</td><td>{name}</td></tr>"
                f"<tr><td>发布机构：</td><td>{CITY}{a.source[1:]}</td><td>生成日期：</td><td>{a.when:%Y-%m-%d}</td></tr>"
                f"<tr><td>名　　称：</td><td colspan=\"3\">{a.title}</td></tr>"
                f"<tr><td>文　　号：</td><td>云{a.source[1:3]}发〔{a.when:%Y}〕{a.id % 97 + 1}号</td><td>有效性：</td><td>有效</td></tr>"
                "</table></div>\n"
            )
        out.append(f"<h1>{a.title}</h1>\n")
        out.append(f'<div class="info"><span>发布时间：{pub}</span><span>来源：{a.source}</span>'
                   '<span>浏览次数：<script>document.write(Math.floor(Math.random()*1000));</script></span>'
                   '<span>字号：<a href="javascript:setFont(16)">大</a> <a href="javascript:setFont(14)">中</a></span></div>\n')
        out.append('<div class="content" id="zoom">\n')
        n_par = rng.randint(7, 13)
        out.extend(f"<p>{rng.choice(self.paragraphs)}</p>\n" for _ in range(n_par))
        out.append(f'<p style="text-align:right">{a.source}</p><p style="text-align:right">{a.when:%Y年%m月%d日}</p>\n</div>\n')
        arts = self.articles[i]
        prev_a = arts[k - 1] if k > 0 else None
        next_a = arts[k + 1] if k + 1 < len(arts) else None
        out.append('<div class="prevnext">')
        out.append(f'<p>上一篇：<a href="{prev_a.path}">{prev_a.title}</a></p>' if prev_a else "<p>上一篇：没有了</p>")
        out.append(f'<p>下一篇：<a href="{next_a.path}">{next_a.title}</a></p>' if next_a else "<p>下一篇：没有了</p>")
        out.append('</div>\n<div class="tools"><a href="javascript:window.print()">【打印本页】</a>'
                   '<a href="javascript:window.close()">【关闭窗口】</a></div>\n</div></div>\n')
        out.append(self._side(i, exclude=a.id))
        out.append("</div>\n")
        out.append(self._footer())
        return "".join(out)

    def _static(self, title: str, paragraphs: int) -> str:
        meta = self._site_meta() | {"ColumnName": title}
        rng = random.Random(title)
        out = [self._head(f"{title}_{SITE_NAME}", meta), self._header(), '<div class="main">\n',
               f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; {title}</div>\n<div class="left"><h1>{title}</h1>\n']
        out.extend(f"<p>{rng.choice(self.paragraphs)}</p>\n" for _ in range(paragraphs))
        if title == "网站地图":
            out.append('<div class="map">')
            out.extend(f'<a href="{self.col_url(i)}">{c[1]}</a> ' for i, c in enumerate(self.columns) if self.list_count[i])
            out.append("</div>\n")
        out.append("</div>\n</div>\n")
        out.append(self._footer())
        return "".join(out)

    def _render(self) -> None:
        html = b"text/html; charset=utf-8"
        p = self.pages
        p["/"] = (html, self._home().encode())
        for path, title in (("/about/gywm.html", "关于我们"), ("/about/wzdt.html", "网站地图"), ("/about/lxwm.html", "联系我们")):
            p[path] = (html, self._static(title, 3).encode())
        for k, path in enumerate(self.static_paths):
            p[path] = (html, self._static(f"专题{k + 1}", 6).encode())
        for i, (slug, *_rest) in enumerate(self.columns):
            for n in range(self.list_count[i]):
                p[f"/{slug}/index.html" if n == 0 else f"/{slug}/index_{n}.html"] = (html, self._list(i, n).encode())
            for k, a in enumerate(self.articles[i]):
                p[a.path] = (html, self._article(i, k).encode())
        assert len(p) == self.n_pages, (len(p), self.n_pages)
        self.html_paths = list(p)
        self.html_bytes = sum(len(b) for _ctype, b in p.values())
        # non-HTML resources (not counted as pages)
        p["/robots.txt"] = (b"text/plain", b"User-agent: *\nDisallow:\n")
        p["/images/common.js"] = (b"application/javascript", SCRIPT.encode())
        p["/images/style.css"] = (b"text/css", ("/* site style */\n" + STYLE).encode())
        p["/images/logo.png"] = (b"image/png", b"\x89PNG\r\n\x1a\n" + bytes(64))
        p["/images/dzjg.png"] = (b"image/png", b"\x89PNG\r\n\x1a\n" + bytes(64))
        self.validators = {path: _validators(body) for path, (_ctype, body) in p.items()}


_LM_EPOCH = int(dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc).timestamp())


def _validators(body: bytes) -> tuple[bytes, bytes]:
    """(ETag, Last-Modified) from the body bytes: the same for the same content, across restarts."""
    digest = hashlib.sha1(body).hexdigest()
    modified = _LM_EPOCH + int(digest[16:24], 16) % (3 * 365 * 86400)
    return f'"{digest[:16]}"'.encode(), email.utils.formatdate(modified, usegmt=True).encode()


# -- the server ---------------------------------------------------------------------

class Stats:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.requests = 0
        self.html = 0
        self.not_modified = 0  # 304 answers to conditional GETs
        self.other = 0
        self.not_found = 0
        self.head = 0
        self.bytes = 0
        self.connections = 0
        self.paths: set[str] = set()
        self.repeats = 0
        self.first = None
        self.last = None
        self.not_found_sample: list[str] = []

    def as_dict(self) -> dict:
        return {"requests": self.requests, "html_200": self.html, "not_modified": self.not_modified, "other_200": self.other, "not_found": self.not_found,
                "head": self.head, "bytes": self.bytes, "connections": self.connections,
                "distinct_html_paths": len(self.paths), "repeated_html": self.repeats,
                "first_request": self.first, "last_request": self.last, "not_found_sample": self.not_found_sample}


class HttpProtocol(asyncio.Protocol):
    site: Site
    stats: Stats
    _date = b""
    _date_at = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.buf = b""
        self.stats.connections += 1

    @classmethod
    def _http_date(cls) -> bytes:
        now = time.time()
        if now - cls._date_at >= 1:
            cls._date = email.utils.formatdate(now, usegmt=True).encode()
            cls._date_at = now
        return cls._date

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > 65536:
                    self.transport.close()
                return
            head, self.buf = self.buf[:end], self.buf[end + 4:]
            lines = head.split(b"\r\n")
            try:
                method, target, version = lines[0].split(b" ", 2)
            except ValueError:
                self.transport.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                self.transport.close()
                return
            close = version == b"HTTP/1.0"
            cond: dict[bytes, bytes] = {}
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"connection":
                    v = value.strip().lower()
                    close = v == b"close" or (close and v != b"keep-alive")
                elif name in (b"if-none-match", b"if-modified-since"):
                    cond[name] = value.strip()
            if not self._respond(method, target.decode("latin-1"), close, cond):
                return

    def _respond(self, method: bytes, target: str, close: bool, cond: dict[bytes, bytes]) -> bool:
        path = target.split("?", 1)[0].split("#", 1)[0]
        if path.startswith("/__bench/"):
            return self._control(path, close)
        st = self.stats
        st.requests += 1
        now = time.time()
        st.first = st.first or now
        st.last = now
        page, key = self.site.pages.get(path), path
        if page is None and path.endswith("/"):
            key = path + "index.html"
            page = self.site.pages.get(key)
        validators = b""
        if page is not None:
            etag, modified = self.site.validators[key]
            validators = b"\r\nETag: " + etag + b"\r\nLast-Modified: " + modified
            inm = cond.get(b"if-none-match")
            tags = [t.strip().removeprefix(b"W/") for t in inm.split(b",")] if inm else []
            if (etag in tags or b"*" in tags) if inm else cond.get(b"if-modified-since") == modified:
                st.not_modified += 1
                self.transport.write(b"HTTP/1.1 304 Not Modified\r\nServer: nginx\r\nDate: " + self._http_date() + validators
                                     + (b"\r\nConnection: close" if close else b"\r\nConnection: keep-alive") + b"\r\n\r\n")
                if close:
                    self.transport.close()
                return not close
        if page is None:
            status, ctype, body = b"404 Not Found", b"text/html; charset=utf-8", b"<html><body><h1>404 Not Found</h1></body></html>"
            st.not_found += 1
            if len(st.not_found_sample) < 10:
                st.not_found_sample.append(target)
        else:
            status, (ctype, body) = b"200 OK", page
            if ctype.startswith(b"text/html"):
                st.html += 1
                if path in st.paths:
                    st.repeats += 1
                st.paths.add(path)
            else:
                st.other += 1
        head = method == b"HEAD"
        st.head += head
        self.transport.write(
            b"HTTP/1.1 " + status + b"\r\nServer: nginx\r\nDate: " + self._http_date() + validators + b"\r\nContent-Type: " + ctype
            + b"\r\nContent-Length: " + str(len(body)).encode() + (b"\r\nConnection: close" if close else b"\r\nConnection: keep-alive")
            + b"\r\n\r\n"
        )
        if not head:
            self.transport.write(body)
            st.bytes += len(body)
        if close:
            self.transport.close()
            return False
        return True

    def _control(self, path: str, close: bool) -> bool:
        if path == "/__bench/stats":
            body = json.dumps(self.stats.as_dict()).encode()
        elif path == "/__bench/reset":
            self.stats.reset()
            body = b"{}"
        elif path == "/__bench/paths":
            body = "\n".join(self.site.html_paths).encode()
        else:
            body = b"{}"
        self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode()
                             + (b"\r\nConnection: close" if close else b"") + b"\r\n\r\n" + body)
        if close:
            self.transport.close()
            return False
        return True


async def serve(site: Site, host: str, port: int, gen_seconds: float) -> None:
    HttpProtocol.site = site
    HttpProtocol.stats = Stats()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(HttpProtocol, host, port, backlog=1024, reuse_address=True)
    real_port = server.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"READY http://{host}:{real_port}/ pages={site.n_pages} bytes={site.html_bytes} "
          f"columns={site.n_columns} gen_seconds={gen_seconds:.2f}", flush=True)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=10000, help="HTML pages in the site (default 10000)")
    ap.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dump", metavar="DIR", help="write the site to DIR instead of serving it")
    args = ap.parse_args(argv)
    if not args.host.startswith("127."):
        ap.error("the bench site only listens on loopback (127.x.x.x)")
    t0 = time.perf_counter()
    site = Site(args.pages, args.seed)
    gen = time.perf_counter() - t0
    if args.dump:
        root = Path(args.dump)
        for path, (_ctype, body) in site.pages.items():
            f = root / (path.lstrip("/") or "index.html")
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_bytes(body)
        print(f"{len(site.pages)} files ({site.n_pages} HTML pages, {site.html_bytes / 1e6:.1f} MB) written to {root}")
        return 0
    try:
        asyncio.run(serve(site, args.host, args.port, gen))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
