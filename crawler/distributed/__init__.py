"""Scale-out: one crawl run shared by crawl workers on several machines through Redis.

``govaudit crawl --redis URL`` (``coordinator.py``) creates the run, publishes what the
workers need, and is the one writer of the SQLite database.  ``govaudit worker --redis URL``
(``worker.py``) runs the same ``SiteSpider`` with a shared scheduler (``scheduler.py``,
scrapy-redis underneath) and an item sink that pushes records to Redis.  Key names and
the Lua scripts that make admission, claims and hand-offs atomic live in ``shared.py``.
Deployment and failure behaviour: docs/distributed.md.
"""
