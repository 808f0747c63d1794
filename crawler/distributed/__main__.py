"""Child process of `govaudit worker`: GOVAUDIT_REDIS_URL=… python -m crawler.distributed TOKEN [LOG_LEVEL]."""

import sys

from crawler.distributed.worker import main

sys.exit(main())
