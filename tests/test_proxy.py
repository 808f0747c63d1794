"""crawler.middlewares.ProxyMiddleware: Scrapy's proxy handling without its per-request cost."""

from __future__ import annotations

import pytest
from scrapy import Request

from crawler.middlewares import ProxyMiddleware


@pytest.fixture
def env(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_no_proxy_alone_is_not_a_proxy(env):
    env.setenv("no_proxy", "127.0.0.1,localhost")
    mw = ProxyMiddleware()
    assert mw.proxies == {}  # Scrapy's own keeps {"no": …} and asks proxy_bypass for every request
    req = Request("http://10.1.2.3/a.html")
    mw.process_request(req)
    assert "proxy" not in req.meta


def test_a_real_proxy_still_applies_and_no_proxy_still_bypasses(env):
    env.setenv("http_proxy", "http://127.0.0.9:3128")
    env.setenv("no_proxy", "127.0.0.1")
    mw = ProxyMiddleware()
    assert list(mw.proxies) == ["http"]
    outside, local = Request("http://10.1.2.3/a.html"), Request("http://127.0.0.1/a.html")
    mw.process_request(outside)
    mw.process_request(local)
    assert outside.meta["proxy"] == "http://127.0.0.9:3128"
    assert local.meta.get("proxy") is None
