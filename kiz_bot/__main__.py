"""Run the kiz-bot command with ``python -m kiz_bot``."""

from kiz_bot.cli import main

if __name__ == "__main__":  # not when a spawned child process imports it
    raise SystemExit(main())
