"""A resolver for GOVAUDIT_LOOPBACK_ONLY runs: only 'localhost' and IP literals resolve.

Any other host name fails exactly like a name that does not exist (DNSLookupError),
without asking a DNS server, so tests exercise the real DNS-failure path offline.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError


class LoopbackOnlyResolver(CachingThreadedResolver):
    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        try:
            ipaddress.ip_address(name)
        except ValueError:
            if name != "localhost":
                return defer.fail(DNSLookupError(f"{name}: no such host (loopback-only mode resolves no names)"))
        return super().getHostByName(name, timeout)
