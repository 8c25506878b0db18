"""``python -m fts3sdk.cli``: the same as the ``fts3sdk`` console script."""

from fts3sdk.cli import main

raise SystemExit(main())
