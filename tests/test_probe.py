"""Availability probes (`govaudit probe`) and the 7-day ≥ 5 % `site-unreachable` veto.

Probes run against real loopback servers: healthy, erroring, hung (accepts and
never answers), slow-dripping, redirect-looping and closed ports; the veto is
judged from real probe rows in a real SQLite file, with near misses on each side.
"""

from __future__ import annotations

import datetime as dt
import socket
import sqlite3
import threading
import time

import pytest

from crawler.probe import probe_url
from tests.cli import govaudit
from tests.facts import ROOT, Facts
from tests.routes import RouteServer, html, redirect

T = dt.date(2026, 12, 15)


run = govaudit


class Silent:
    """A TCP server that accepts connections and then says nothing (or drips a byte a second)."""

    def __init__(self, drip: bool = False) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.drip = drip
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.conns: list[socket.socket] = []
        self.stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            if self.drip:
                threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            while not self.stop.is_set():
                conn.sendall(b"x")
                time.sleep(0.2)
        except OSError:
            pass

    def close(self) -> None:
        self.stop.set()
        for c in self.conns:
            c.close()
        self.sock.close()


def _closed_port() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/"


# -- one probe ----------------------------------------------------------------------
def test_probe_outcomes():
    routes = {
        "/": html("<title>首页</title>"),
        "/down/": html("<title>错误</title>", status=500),
        "/moved/": redirect("/"),
        "/loop/": redirect("/loop/"),
    }
    with RouteServer(routes) as srv:
        ok = probe_url(srv.url, timeout=5)
        assert ok.ok and ok.status == 200 and ok.error is None
        down = probe_url(srv.url + "down/", timeout=5)
        assert not down.ok and down.status == 500
        moved = probe_url(srv.url + "moved/", timeout=5)
        assert moved.ok and moved.url == srv.url  # a redirect to a working page is fine
        loop = probe_url(srv.url + "loop/", timeout=5)
        assert not loop.ok and "too many redirects" in loop.error
    refused = probe_url(_closed_port(), timeout=5)
    assert not refused.ok and "Refused" in refused.error


@pytest.mark.parametrize("drip", [False, True], ids=["hung", "slow-drip"])
def test_probe_never_waits_past_its_limit(drip):
    srv = Silent(drip=drip)
    try:
        start = time.monotonic()
        p = probe_url(srv.url, timeout=1.5)
        waited = time.monotonic() - start
    finally:
        srv.close()
    assert not p.ok and p.error.startswith("timeout")
    assert waited < 10  # generous: the point is that it returns at all (limit 1.5 s)


def test_probe_refuses_non_loopback_in_loopback_mode():
    p = probe_url("http://192.0.2.1/", timeout=2)
    assert not p.ok and "loopback" in p.error


# -- the command ----------------------------------------------------------------------
def test_probe_command_records_every_site(tmp_path):
    hung = Silent()
    with RouteServer({"/": html("<title>首页</title>"), "/bad/": html("x", status=503)}) as srv:
        cfg = tmp_path / "govaudit.toml"
        cfg.write_text(
            f'[run]\ndb = "g.db"\n[probe]\ntimeout = 1.5\n'
            f'[[site]]\nroot = "{srv.url}"\n[[site]]\nroot = "{srv.url}bad/"\n[[site]]\nroot = "{hung.url}"\n',
            encoding="utf-8",
        )
        try:
            proc = run("probe", "--config", str(cfg), timeout=60)
            quiet = run("probe", "--config", str(cfg), "--quiet", timeout=60)
        finally:
            hung.close()
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("ok") and srv.url in lines[0]
    assert lines[1].startswith("DOWN") and "HTTP 503" in lines[1]
    assert lines[2].startswith("DOWN") and "timeout" in lines[2]
    assert len(quiet.stdout.splitlines()) == 2 and "ok " not in quiet.stdout  # only the failures
    conn = sqlite3.connect(tmp_path / "g.db")
    rows = conn.execute("SELECT root, ok, status FROM probes ORDER BY id").fetchall()
    assert rows == [(srv.url, 1, 200), (srv.url + "bad/", 0, 503), (hung.url, 0, None)] * 2


def test_probe_command_bad_config(tmp_path):
    cfg = tmp_path / "govaudit.toml"
    cfg.write_text('[group]\nname = "县"\n', encoding="utf-8")
    proc = run("probe", "--config", str(cfg))
    assert proc.returncode == 2 and "no [[site]]" in proc.stderr and "Traceback" not in proc.stderr
    cfg.write_text('[probe]\ntimeout = 15\nretries = 3\n', encoding="utf-8")
    proc = run("probe", "--config", str(cfg))
    assert proc.returncode == 2 and "line 3" in proc.stderr and "retries" in proc.stderr


# -- the veto ----------------------------------------------------------------------
def _with_probes(tmp_path, probes: list[tuple[str, bool]], *, home_ok: bool = True, root: str = ROOT) -> Facts:
    tmp_path.mkdir(parents=True, exist_ok=True)
    f = Facts(tmp_path / "p.db")
    f.home(status=200 if home_ok else 503)
    f.db["probes"].insert_all(
        {"root": root, "url": root, "at": at, "ok": int(ok), "status": 200 if ok else 503, "error": None, "elapsed": 0.1}
        for at, ok in probes
    )
    return f


def _series(n: int, failed: int, last: dt.date = T) -> list[tuple[str, bool]]:
    """n probes spread over the 7 days ending `last`, the first `failed` of them failing."""
    start = dt.datetime.combine(last - dt.timedelta(days=6), dt.time(0, 10))
    step = dt.timedelta(days=7) / n
    return [((start + k * step).isoformat(timespec="seconds") + "+08:00", k >= failed) for k in range(n)]


def test_probe_veto_at_exactly_five_percent(tmp_path):
    f = _with_probes(tmp_path, _series(20, 1))
    found = f.audit(T, rule="site-unreachable")
    assert [(x["url"], x["severity"]) for x in found] == [(ROOT, "veto")]
    ev = found[0]["evidence"]
    assert ev["probes_in_window"] == 20 and ev["failed_probes_in_window"] == 1 and ev["failed_share"] == 0.05
    assert "单项否决" in found[0]["message"]


def test_probe_veto_near_misses(tmp_path):
    # 1 of 21 = 4.8 %: below the threshold, home page fine → nothing
    f = _with_probes(tmp_path / "a", _series(21, 1))
    assert f.audit(T, rule="site-unreachable") == []
    # 2 of 19 = 10.5 % but fewer probes than min_probes (20): not decidable, no veto
    f = _with_probes(tmp_path / "b", _series(19, 2))
    assert f.audit(T, rule="site-unreachable") == []
    # failures 8+ days before the audit date are outside the window
    old = _series(20, 20, last=T - dt.timedelta(days=8))
    f = _with_probes(tmp_path / "c", old + _series(20, 0))
    assert f.audit(T, rule="site-unreachable") == []
    # another site's failed probes do not count
    f = _with_probes(tmp_path / "d", _series(20, 20), root="http://127.0.0.1:9/other/")
    assert f.audit(T, rule="site-unreachable") == []


def test_unreachable_run_without_enough_probes_stays_major(tmp_path):
    f = _with_probes(tmp_path, _series(5, 5), home_ok=False)
    found = f.audit(T, rule="site-unreachable")
    assert [(x["url"], x["severity"]) for x in found] == [(ROOT, "major")]
    assert found[0]["evidence"]["veto_decidable"] is False and found[0]["evidence"]["probes_in_window"] == 5


def test_veto_threshold_is_configurable(tmp_path):
    from audits.config import parse_config

    f = _with_probes(tmp_path, _series(30, 2))  # 6.7 %
    cfg = parse_config({"rules": {"site-unreachable": {"veto_share": 0.1}}})
    assert f.audit(T, cfg, rule="site-unreachable") == []
