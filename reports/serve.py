"""`govaudit serve`: browse the database in Datasette, on 127.0.0.1 only.

The tables get Chinese titles and descriptions, the findings table facets,
and a few canned queries (整改跟踪, 四不 trend, stale columns). Before serving,
the derived rectification table ``finding_tracking`` is brought up to date
(audits/tracking.py) when the database is writable.

    metadata(db) -> dict              # Datasette metadata for a govaudit database
    serve(db_path, port)              # blocks until Ctrl-C
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import sqlite_utils

HOST = "127.0.0.1"  # never another interface

TABLES: dict[str, tuple[str, str]] = {
    "findings": ("问题（findings）", "每次审计发现的问题。一条问题 = 规则 + 对象；fingerprint 在各批次间稳定，first_seen 为首次发现日期，audit_run_id 为审计批次。字段含义见 spec/findings.md。"),
    "finding_tracking": ("整改跟踪", "每次审计相对同一站点上一次审计的状态：new 新发现、open 未整改、fixed 已整改、unverified 未能复查（站点无法访问、抓取未完成或规则出错）。open_since 为本轮连续出现的起始日期，days_open 为持续天数；finding_id 指向问题记录（已整改的指向上一次审计的记录）。"),
    "rectification": ("整改跟踪（含问题内容）", "finding_tracking 与 findings、audit_runs 的联接视图：每次审计每个问题的状态、类别、栏目、问题描述和网址。"),
    "tracking_runs": ("整改跟踪批次", "finding_tracking 按审计批次计算的记录（上一批次变化时自动重算）。"),
    "audit_runs": ("审计批次", "每次 govaudit audit：所审计的抓取批次、检查日期（as_of）、配置和规则版本。"),
    "rule_results": ("规则运行结果", "每个审计批次中每条规则的结果：pass / fail / not_applicable / error，以及所用参数。"),
    "site_year_stats": ("年度统计（年报第二部分）", "每个审计批次、站点和年份：按栏目统计的发布数量、规范性文件制发/公开/按时公开、政策解读等，details_json 列出明细网址。"),
    "crawl_runs": ("抓取批次", "每次 govaudit crawl：开始结束时间、状态（complete / partial / failed）、站点根地址和统计。"),
    "run_roots": ("抓取站点", "每个抓取批次中的站点（门户和部门子站）：首页状态、网站名称和网站标识码。"),
    "pages": ("页面", "抓取到的页面：状态码、标题、栏目、发布日期、网页元数据、正文摘要等。"),
    "columns": ("栏目", "识别出的栏目：名称、ColumnType、条目数、最新和最早信息日期、“暂无信息”等空栏目标记。"),
    "list_items": ("栏目条目", "栏目列表页中的每一条信息：标题、链接和日期。"),
    "links": ("链接", "页面上的链接：来源页面、目标、链接文字、类型，以及隐藏方式（暗链检查）。"),
    "link_checks": ("链接检测", "外部链接、附件和图片的检测结果：方法、状态码、错误、重定向链。"),
    "link_cache": ("外部链接缓存", "跨批次缓存的外部链接正常结果（默认 72 小时内不重复检测）。"),
    "letters": ("信件（领导信箱、咨询投诉）", "互动交流栏目中的来信：收信日期、答复日期、答复单位和办理状态（列表页和来信页合并）。"),
    "mailbox_stats": ("信箱统计", "每个审计批次、站点、信箱和年份：收到来信、已答复、未答复，答复用时（工作日）中位数和最长值，超过时限件数。"),
    "newmedia_accounts": ("政务新媒体账号", "网站公布的政务新媒体账号：平台、名称、能否打开、最近发布日期、是否经浏览器渲染；各抓取批次的记录即账号的历史。"),
}

FINDING_COLUMNS = {
    "rule": "规则编号（govaudit rules）",
    "severity": "级别：veto 单项否决、major 扣分、minor 提示",
    "category": "类别：不及时、不准确、不回应、不实用、不安全",
    "site": "站点根地址",
    "url": "问题对象的网址",
    "page": "发现问题的页面（与 url 不同时）",
    "column_name": "所属栏目",
    "message": "问题描述",
    "evidence_json": "证据（JSON）",
    "fingerprint": "稳定标识（规则 + 对象）",
    "first_seen": "首次发现日期",
}


def _queries(tables: set[str]) -> dict[str, dict[str, Any]]:
    q: dict[str, dict[str, Any]] = {
        "four_nots_trend": {
            "title": "“四不”问题数量（每次审计、每个站点）",
            "sql": "SELECT a.as_of AS 检查日期, f.site AS 站点, f.category AS 类别, count(*) AS 问题数 FROM findings f "
                   "JOIN audit_runs a ON a.id = f.audit_run_id GROUP BY a.id, f.site, f.category ORDER BY a.as_of, a.id, f.site, f.category",
        },
        "latest_findings": {
            "title": "最近一次审计的问题",
            "sql": "SELECT site AS 站点, category AS 类别, severity AS 级别, rule AS 规则, column_name AS 栏目, message AS 问题, url AS 网址, first_seen AS 首次发现 "
                   "FROM findings WHERE audit_run_id = (SELECT max(id) FROM audit_runs WHERE finished_at IS NOT NULL) ORDER BY site, category, rule",
        },
        "stale_columns": {
            "title": "最近一次抓取的栏目更新情况",
            "sql": "SELECT root AS 站点, name AS 栏目, meta_column_type AS ColumnType, items AS 条目数, newest_date AS 最新信息, empty_marker AS 空栏目标记, url AS 网址 "
                   "FROM columns WHERE run_id = (SELECT max(id) FROM crawl_runs WHERE status IN ('complete', 'partial')) ORDER BY newest_date",
        },
    }
    if "rectification" in tables:
        q["latest_rectification"] = {
            "title": "整改跟踪：最近一次审计的新发现、未整改和已整改问题",
            "sql": "SELECT site AS 站点, status AS 状态, category AS 类别, rule AS 规则, column_name AS 栏目, message AS 问题, first_seen AS 首次发现, "
                   "open_since AS 本轮起始, last_seen AS 最后发现, fixed_on AS 整改确认, days_open AS 持续天数, url AS 网址 FROM rectification "
                   "WHERE audit_run_id = (SELECT max(audit_run_id) FROM tracking_runs) ORDER BY site, status, category",
        }
    return q


def metadata(db: sqlite_utils.Database, db_name: str) -> dict[str, Any]:
    """Datasette metadata: titles and descriptions for the govaudit tables present."""
    present = set(db.table_names()) | set(db.view_names())
    tables: dict[str, Any] = {}
    for name, (title, desc) in TABLES.items():
        if name in present:
            tables[name] = {"title": title, "description": desc}
    if "findings" in tables:
        tables["findings"].update({"facets": ["site", "category", "severity", "rule"], "sort_desc": "id", "columns": FINDING_COLUMNS, "label_column": "message"})
    if "finding_tracking" in tables:
        tables["finding_tracking"].update({"facets": ["status", "site", "rule"]})
    if "rectification" in tables:
        tables["rectification"].update({"facets": ["status", "site", "category"]})
    if "columns" in tables:
        tables["columns"].update({"facets": ["root"], "label_column": "name"})
    for name in present:
        if name.startswith("_") and name not in tables:
            tables[name] = {"hidden": True}
    return {
        "title": "govaudit 政府网站检查数据",
        "description": "govaudit 抓取与审计结果。可筛选、排序、执行 SQL，并导出 CSV / JSON。",
        "databases": {db_name: {"title": "检查数据库", "tables": tables, "queries": _queries(present)}},
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def prepare(db: sqlite_utils.Database) -> str | None:
    """Bring the derived tracking table up to date; returns a warning when it cannot."""
    from audits import tracking

    try:
        tracking.materialize(db)
    except Exception as exc:  # read-only file, locked database …: serve what is there
        return f"finding_tracking not updated ({type(exc).__name__}: {exc})"
    return None


def serve(db_path: str | Path, port: int, echo: Any = print) -> None:
    """Serve ``db_path`` with Datasette on 127.0.0.1:port until interrupted (port 0: a free one)."""
    import uvicorn
    from datasette.app import Datasette
    from datasette.cli import check_databases, run_sync

    from crawler.store import open_db

    path = Path(db_path)
    if port:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:  # fail early, with a clear message
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((HOST, port))
    db = open_db(path, create=False)
    warning = prepare(db)
    if warning:
        echo(f"warning: {warning}")
    meta = metadata(db, path.stem)
    db.conn.close()
    port = port or free_port()
    ds = Datasette(
        [str(path)],
        metadata=meta,
        settings={"default_page_size": 100, "sql_time_limit_ms": 5000, "facet_time_limit_ms": 1000, "allow_download": True},
    )
    run_sync(ds.invoke_startup)
    run_sync(lambda: check_databases(ds))
    echo(f"Datasette: http://{HOST}:{port}/{path.stem}  (Ctrl-C to stop)")
    uvicorn.run(ds.app(), host=HOST, port=port, log_level="warning", lifespan="on", workers=1)
