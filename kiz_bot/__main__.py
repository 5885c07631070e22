"""Run the kiz-bot command with ``python -m kiz_bot``."""

from kiz_bot.cli import main

raise SystemExit(main())
