"""govaudit crawler: the Scrapy project that records facts about government sites."""

import os

# Scrapy's cookie middleware builds a tldextract instance at import time, and
# tldextract downloads the public-suffix list on first use.  govaudit never
# reaches for the internet: an empty URL list makes tldextract use the
# snapshot bundled with the package.  This must run before Scrapy is imported.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
