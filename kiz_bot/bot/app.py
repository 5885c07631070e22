"""The application factory: one visible place where the Telegram bot is put together."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from kiz_bot.bot import buttons, conversation, staff
from kiz_bot.bot.callback_data import CallbackCodec
from kiz_bot.bot.commands import publish_commands
from kiz_bot.bot.context import DEPS_KEY, Context, deps_of, fallback_language
from kiz_bot.bot.markup import text
from kiz_bot.bot.ports import BotDeps, Services, Storage
from kiz_bot.bot.retry import RetryingRequest, RetryPolicy
from kiz_bot.bot.throttle import FloodThrottle
from kiz_bot.examiner import Examiner
from kiz_bot.i18n import gettext_for, is_rtl
from kiz_bot.settings import Settings

log = logging.getLogger(__name__)
FAQ_WATCH_SECONDS = 30  # how often the faq/ folder is checked for edits

KizApplication = Application[
    ExtBot[Any], Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
CONCURRENT_UPDATES = 64
# Connections to the Bot API. Eight carry ~80 sends/s at Telegram's usual 100 ms, above its
# 30 messages/s limit; more only make httpcore's pool bookkeeping slower (RetryingRequest).
API_CONNECTIONS = 8
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
NOT_TEXT = (
    filters.VOICE
    | filters.AUDIO
    | filters.PHOTO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Sticker.ALL
    | filters.Document.ALL
    | filters.LOCATION
    | filters.VENUE
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
)


def build_application(
    services: Services,
    settings: Settings,
    *,
    storage: Storage | None = None,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    examiner: Examiner | None = None,
) -> KizApplication:
    """Build the bot: Bot API access, retry and rate limits, handlers, startup and shutdown.

    ``storage`` is opened in post_init from settings unless given (tests give a memory one);
    ``request`` objects replace the network in offline tests; ``examiner`` is the worker
    process that matches questions (kiz_bot/examiner.py), none to match in this process.
    """
    secret = settings.user_salt.reveal() or settings.token.reveal()
    deps = BotDeps(
        services=services,
        settings=settings,
        codec=CallbackCodec.from_secret(secret),
        throttle=FloodThrottle(),
        storage=storage,
        owns_storage=storage is None,
        examiner=examiner,
    )
    policy = RetryPolicy(retry_flood=not settings.rate_limiter)
    builder = (
        ApplicationBuilder()
        .token(settings.token.reveal())
        .base_url(settings.api_url)
        .base_file_url(_file_url(settings.api_url))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .concurrent_updates(CONCURRENT_UPDATES)
        .request(request or RetryingRequest(connection_pool_size=API_CONNECTIONS, policy=policy))
        .get_updates_request(
            updates_request
            or RetryingRequest(connection_pool_size=2, read_timeout=40, policy=policy)
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.rate_limiter:
        # Telegram's limits: about 1 message/s per chat and 30/s overall; a 429 is retried.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    application: KizApplication = builder.build()
    application.bot_data[DEPS_KEY] = deps
    _register(application)
    return application


def _file_url(api_url: str) -> str:
    """Return the file URL of a Bot API server: .../bot -> .../file/bot."""
    head, _, tail = api_url.rstrip("/").rpartition("/")
    return f"{head}/file/{tail}" if head else api_url


def _register(application: KizApplication) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(TypeHandler(Update, _throttle), group=-1)
    commands = {
        "start": conversation.start,
        "help": conversation.help_command,
        "language": conversation.language_command,
        "topics": conversation.topics_command,
        "contact": conversation.contact_command,
        "privacy": conversation.privacy_command,
        "delete": conversation.delete_command,
        "reload": staff.reload_command,
        "stats": staff.stats_command,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(CallbackQueryHandler(buttons.button))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, conversation.question))
    application.add_handler(MessageHandler(private & NOT_TEXT, conversation.not_text))
    application.add_error_handler(on_error)


async def _throttle(update: Update, context: Context) -> None:
    """Stop updates from someone who floods the bot, and tell them once."""
    user = update.effective_user
    if user is None:
        return
    deps = deps_of(context)
    if deps.throttle.allow(user.id):
        return
    if deps.throttle.should_warn(user.id) and update.effective_chat is not None:
        language = fallback_language(deps, user)
        _ = gettext_for(language)
        said = text(
            _("You are sending messages very fast. Please wait a moment, then ask again."),
            rtl=is_rtl(language),
        )
        try:
            await context.bot.send_message(update.effective_chat.id, said)
        except TelegramError:
            log.warning("could not send the slow-down hint")
    raise ApplicationHandlerStop


async def on_error(update: object, context: Context) -> None:
    """Log the error with its traceback (no token, no message text) and apologise kindly."""
    kind = "none"
    if isinstance(update, Update):
        kind = next(
            (
                name
                for name in ("message", "callback_query", "edited_message")
                if getattr(update, name)
            ),
            "other",
        )
    log.error("error while handling an update (%s)", kind, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    deps = deps_of(context)
    language = fallback_language(deps, update.effective_user)
    _ = gettext_for(language)
    sorry = _("Sorry, something went wrong on my side. Please try again in a moment.")
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, text(sorry, rtl=is_rtl(language)))
    except TelegramError:
        log.warning("could not send the apology either")


async def _post_init(application: KizApplication) -> None:
    """Open the storage and publish the command menu in every language."""
    deps: BotDeps = application.bot_data[DEPS_KEY]
    if deps.storage is None:
        from kiz_bot.storage import open_storage  # SQLAlchemy loads only when the bot runs

        deps.storage = await open_storage(deps.settings)
    if application.job_queue is not None:
        application.job_queue.run_repeating(_watch_knowledge, interval=FAQ_WATCH_SECONDS)
    catalogue = deps.advisor.catalogue
    await publish_commands(
        application.bot,
        catalogue.languages,
        catalogue.source_language,
        sorted(deps.settings.coordinators),
    )


async def _watch_knowledge(context: Context) -> None:
    """Reload the knowledge base when staff changed a file; keep the last good one on errors."""
    deps: BotDeps = context.application.bot_data[DEPS_KEY]
    report = await asyncio.to_thread(deps.services.knowledge.reload_if_changed)
    if report is not None and not report.ok:
        first = report.problems[0] if report.problems else "unknown problem"
        log.warning(
            "the changed knowledge base has %d error(s), first: %s; still using the last good one",
            len(report.problems),
            first,
        )


async def _post_shutdown(application: KizApplication) -> None:
    """Stop the worker process; flush and close the storage the application opened."""
    deps: BotDeps = application.bot_data[DEPS_KEY]
    if deps.examiner is not None:
        deps.examiner.close()
    if deps.storage is not None and deps.owns_storage:
        await deps.storage.close()
        deps.storage = None
