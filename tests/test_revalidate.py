"""Revalidation ahead of the crawl (crawler/revalidate.py): the real child process against real
loopback servers.  It may only report pages the server answered 304; everything else is left to
the spider.  It keeps robots.txt, per-host connections, the delay, 429/503 and timeouts."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from crawler.revalidate import Revalidator
from tests.routes import RouteServer, html, redirect
from tests.site import conditional

BASE = {"user_agent": "govaudit-test (政府网站检查)", "robots": True, "per_host": 2, "threads": 4, "timeout": 2.0,
        "loopback_only": True, "headers": {"Accept": "text/html"}}
PAGE = html("<html><head><title>关于春节放假的通知</title></head><body>正文</body></html>")
ETAG = conditional.validators(PAGE[2])[0]


def ask(server: RouteServer, paths: list[str], etag: str = ETAG, **cfg) -> Revalidator:
    """Hand the child one job a path and wait until it has asked them all."""
    rv = Revalidator([(server.url + p.lstrip("/"), "If-None-Match", etag) for p in paths], {**BASE, **cfg})
    assert rv.done.wait(30), "the child did not finish"
    return rv


def pages_asked(server: RouteServer) -> list[str]:
    return [p for m, p, _s, _c in server.log if p != "/robots.txt"]


def test_only_pages_answered_304_are_reported():
    routes = {"/same.html": PAGE, "/changed.html": html("<title>新的内容</title>"), "/moved.html": redirect("/same.html")}
    with RouteServer(routes, validators="etag") as server:
        rv = ask(server, ["/same.html", "/changed.html", "/moved.html", "/gone.html"])
        assert sorted(pages_asked(server)) == ["/changed.html", "/gone.html", "/moved.html", "/same.html"]
        assert all(cond for m, p, _s, cond in server.log if p != "/robots.txt")  # every page asked conditionally
    seconds, etag, modified = rv.answer(server.url + "same.html")
    assert etag == ETAG and modified == conditional.validators(PAGE[2])[1] and 0 <= seconds < 5
    for path in ("changed.html", "moved.html", "gone.html"):  # 200, redirect, 404: the spider fetches them
        assert rv.answer(server.url + path) is None
    assert rv.answer(server.url + "same.html") is None  # each answer is handed out once
    assert rv.counts["sent"] == 4 and rv.counts["not_modified"] == 1 and rv.counts["other"] == 3
    rv.close()


def test_robots_txt_is_obeyed_unless_told_otherwise():
    robots = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")
    routes = {"/robots.txt": robots, "/private/a.html": PAGE, "/a.html": PAGE}
    with RouteServer(routes, validators="etag") as server:
        rv = ask(server, ["/private/a.html", "/a.html"])
        assert pages_asked(server) == ["/a.html"]
        assert rv.counts["robots_denied"] == 1
        assert rv.answer(server.url + "private/a.html") is None and rv.answer(server.url + "a.html") is not None
        server.log.clear()
        rv = ask(server, ["/private/a.html", "/a.html"], robots=False)  # --ignore-robots
        assert sorted(pages_asked(server)) == ["/a.html", "/private/a.html"]
        assert rv.answer(server.url + "private/a.html") is not None


@pytest.mark.parametrize("status", [500, 403])
def test_a_robots_txt_it_cannot_read_stops_the_host(status):
    routes = {"/robots.txt": (status, {"Content-Type": "text/plain"}, b"error"), "/a.html": PAGE}
    with RouteServer(routes, validators="etag") as server:
        rv = ask(server, ["/a.html"])
        assert pages_asked(server) == []
    assert rv.counts["hosts_stopped"] == 1 and f"robots.txt answered {status}" in str(rv.counts["stopped"])


def test_robots_txt_404_allows_all():
    with RouteServer({"/a.html": PAGE}, validators="etag") as server:
        rv = ask(server, ["/a.html"])
        assert pages_asked(server) == ["/a.html"] and rv.answer(server.url + "a.html") is not None


@pytest.mark.parametrize("status", [429, 503])
def test_a_server_asking_to_slow_down_is_left_alone(status):
    busy = (status, {"Content-Type": "text/html", "Retry-After": "1"}, b"busy")
    with RouteServer({f"/a{i}.html": busy for i in range(10)}, validators="etag") as server:
        rv = ask(server, [f"/a{i}.html" for i in range(10)], per_host=1)
        assert len(pages_asked(server)) == 1
    assert rv.counts["hosts_stopped"] == 1 and rv.counts["other"] == 1


def test_connections_a_host_and_the_delay():
    active, peak, lock = [0], [0], threading.Lock()

    def slow(method: str):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.1)
        with lock:
            active[0] -= 1
        return PAGE

    routes = {f"/a{i}.html": slow for i in range(12)}
    with RouteServer(routes, validators="etag") as server:
        rv = ask(server, list(routes), per_host=2, threads=8)
        assert rv.counts["not_modified"] == 12
        assert peak[0] == 2  # eight threads, two connections to the host
    starts: list[float] = []

    def timed(method: str):
        starts.append(time.monotonic())
        return PAGE

    with RouteServer({f"/b{i}.html": timed for i in range(4)}, validators="etag") as server:
        ask(server, [f"/b{i}.html" for i in range(4)], per_host=4, threads=4, delay=0.2)
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    # --delay 0.2, randomised 0.5–1.5× as Scrapy does: at least 0.1 s between two picks; the server may see
    # a little less (a new connection's set-up), never the ~1 ms of four connections without a delay
    assert len(starts) == 4 and min(gaps) >= 0.05, gaps


def test_a_hung_server_costs_timeouts_not_a_hang():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: [accepted.append(listener.accept()[0]) for _ in range(16)], daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    try:
        rv = Revalidator([(url + f"a{i}.html", "If-None-Match", ETAG) for i in range(6)], {**BASE, "robots": False, "timeout": 1.0})
        assert rv.done.wait(30)
        assert rv.counts["errors"] >= 3 and rv.counts["hosts_stopped"] == 1 and rv.counts["not_modified"] == 0
    finally:
        for s in accepted:
            s.close()
        listener.close()


def test_pages_the_spider_asked_itself_are_skipped_and_close_stops_the_child():
    routes = {f"/a{i}.html": PAGE for i in range(8)}
    with RouteServer(routes, validators="etag") as server:
        rv = Revalidator([(server.url + f"a{i}.html", "If-None-Match", ETAG) for i in range(8)],
                         {**BASE, "per_host": 1, "delay": 0.3})
        assert rv.answer(server.url + "a7.html") is None  # not asked yet: the spider asks it itself
        deadline = time.monotonic() + 30
        while not pages_asked(server) and time.monotonic() < deadline:  # the child is under way
            time.sleep(0.05)
        counts = rv.close(wait=10)
        assert rv.proc.poll() is not None  # the child is gone
        asked = pages_asked(server)
        time.sleep(0.5)
        assert pages_asked(server) == asked  # and asks nothing more
    assert "/a7.html" not in asked and 1 <= len(asked) < 7, asked
    assert counts["sent"] == len(asked)
