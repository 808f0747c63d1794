"""Crawl speed when some pages need a browser: the same site crawled with rendering on and off.

    .venv/bin/python bench/render.py                    # 2,000 pages, 5 % filled by scripts
    .venv/bin/python bench/render.py --pages 4000 --share 0.05 --render-pages 2

The site (served from its own process, stdlib only): a home page, a 网站地图 linking every
article, and columns of one list page and nine articles each.  In ``--share`` of all pages
the list is an empty ``<ul>`` that a ``fetch`` of ``data.json`` fills, so the crawler must
render it in Chromium to read the column; the other lists are plain HTML.  Articles are
reachable from the 网站地图 too, so both runs fetch the same pages and pages/s compare.

Each run is ``govaudit crawl`` in a subprocess (`--render`, then `--no-render`); the numbers
are wall time, pages/s, the crawler's peak memory (with its browser), and the run's own render
stats (share of rendered pages, browser peak memory).  Results: ``bench/out/render.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
ARTICLES_PER_COLUMN = 9
HEAD = '<html><head><meta charset="utf-8"><title>{t}</title><meta name="SiteName" content="基准县人民政府"><meta name="ColumnName" content="{c}"></head><body>'
FILL = ("<script>fetch('data.json').then(function (r) { return r.json(); }).then(function (xs) {"
        "document.getElementById('list').innerHTML = xs.map(function (x) { return '<li><a href=\"' + x.u + '\">' + x.t + "
        "'</a><span>' + x.d + '</span></li>'; }).join(''); });</script>")


def build(pages: int, share: float) -> dict[str, tuple[str, bytes]]:
    """path -> (content type, body): the home page, the site map and the columns."""
    columns = max(1, (pages - 2) // (1 + ARTICLES_PER_COLUMN))
    scripted = round(pages * share)
    site: dict[str, tuple[str, bytes]] = {}
    html = "text/html; charset=utf-8"
    all_articles = []
    for c in range(columns):
        items = []
        for a in range(ARTICLES_PER_COLUMN):
            path = f"/col{c}/202611/t202611{(a % 28) + 1:02d}_{c * 100 + a}.html"
            title = f"栏目{c}的第{a}篇文章"
            day = f"2026-11-{(a % 28) + 1:02d}"
            items.append({"u": path, "t": title, "d": day})
            body = (HEAD.format(t=title, c=f"栏目{c}") + f'<h1>{title}</h1><div class="info">发布时间：{day} 10:00</div>'
                    + "<div class='TRS_Editor'>" + "<p>本县召开工作会议，研究部署下一阶段重点工作。</p>" * 20 + "</div></body></html>")
            site[path] = (html, body.encode())
            all_articles.append((path, title))
        head = HEAD.format(t=f"栏目{c}", c=f"栏目{c}")
        if c < scripted:
            site[f"/col{c}/"] = (html, (head + '<ul class="list" id="list"></ul>' + FILL + "</body></html>").encode())
            site[f"/col{c}/data.json"] = ("application/json", json.dumps(items, ensure_ascii=False).encode())
        else:
            lis = "".join(f'<li><a href="{i["u"]}">{i["t"]}</a><span>{i["d"]}</span></li>' for i in items)
            site[f"/col{c}/"] = (html, (head + f'<ul class="list">{lis}</ul></body></html>').encode())
    nav = "".join(f'<li><a href="/col{c}/">栏目{c}</a></li>' for c in range(columns))
    site["/"] = (html, (HEAD.format(t="基准县人民政府", c="首页") + f'<ul>{nav}</ul><a href="/map.html">网站地图</a></body></html>').encode())
    links = "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in all_articles)
    site["/map.html"] = (html, (HEAD.format(t="网站地图", c="网站地图") + f"<ul>{links}</ul></body></html>").encode())
    site["/robots.txt"] = ("text/plain", b"User-agent: *\nDisallow:\n")
    return site


def serve(pages: int, share: float) -> None:
    site = build(pages, share)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            ctype, body = site.get(self.path.split("?")[0], ("text/html; charset=utf-8", b"<title>404</title>"))
            self.send_response(200 if self.path.split("?")[0] in site else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    html_pages = sum(1 for p, (ct, _) in site.items() if ct.startswith("text/html"))
    scripted = sum(1 for p in site if p.endswith("data.json"))
    print(f"READY http://127.0.0.1:{httpd.server_address[1]}/ html_pages={html_pages} scripted={scripted}", flush=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    sys.stdin.read()  # until the parent closes our stdin


def crawl(root: str, db: Path, render: bool, render_pages: int) -> dict:
    import psutil

    cmd = [sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db), "--no-progress", "--today", "2026-11-20",
           "--render" if render else "--no-render", "--render-pages", str(render_pages), root]
    env = {**os.environ, "GOVAUDIT_LOOPBACK_ONLY": "1"}
    started = time.monotonic()
    proc = psutil.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [proc, *proc.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.2)
    seconds = time.monotonic() - started
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{out}\n{err}")
    conn = sqlite3.connect(db)
    pages = conn.execute("SELECT count(*) FROM pages").fetchone()[0]
    stats = json.loads(conn.execute("SELECT stats_json FROM crawl_runs").fetchone()[0])
    items = conn.execute("SELECT count(*) FROM list_items").fetchone()[0]
    conn.close()
    return {
        "render": render,
        "seconds": round(seconds, 1),
        "pages": pages,
        "pages_per_second": round(pages / seconds, 1),
        "list_items_read": items,
        "peak_rss_mb_with_browser": round(peak / 2**20),
        "render_stats": {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("govaudit/render/")},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--share", type=float, default=0.05, help="share of all pages filled by a script")
    ap.add_argument("--render-pages", type=int, default=2)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        serve(args.pages, args.share)
        return 0
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--pages", str(args.pages), "--share", str(args.share)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        ready = server.stdout.readline().split()  # type: ignore[union-attr]
        root, site_info = ready[1], dict(x.split("=") for x in ready[2:])
        print(f"site {root}: {site_info['html_pages']} pages, {site_info['scripted']} filled by scripts", flush=True)
        runs = []
        with tempfile.TemporaryDirectory() as tmp:
            for render in (True, False):
                r = crawl(root, Path(tmp) / f"render-{render}.db", render, args.render_pages)
                runs.append(r)
                print(json.dumps(r, ensure_ascii=False), flush=True)
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(10)
    OUT.mkdir(exist_ok=True)
    result = {"pages": args.pages, "share": args.share, "render_pages": args.render_pages, "cpus": os.cpu_count(), "runs": runs}
    (OUT / "render.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    on, off = runs
    print(f"\nrendering on : {on['pages_per_second']} pages/s ({on['pages']} pages in {on['seconds']} s, "
          f"{on['render_stats'].get('rendered')} rendered, share {on['render_stats'].get('share')}, "
          f"browser peak {on['render_stats'].get('browser_peak_mb')} MB, crawler+browser peak {on['peak_rss_mb_with_browser']} MB)")
    print(f"rendering off: {off['pages_per_second']} pages/s ({off['pages']} pages in {off['seconds']} s, "
          f"{off['render_stats'].get('off')} pages not rendered, peak {off['peak_rss_mb_with_browser']} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
