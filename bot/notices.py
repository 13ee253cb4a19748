"""Turning an outbox row into the text its recipient reads, in the recipient's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.i18n import render, use_language

# A template with its own way from params to text; every other template gets the params as is.
Renderer = Callable[[dict[str, Any]], str]
RENDERERS: dict[str, Renderer] = {}


def register(template: str, renderer: Renderer) -> None:
    """Let a conversation render its own notices (e.g. a submission's summary)."""
    RENDERERS[template] = renderer


def render_notice(template: str, params: dict[str, Any], language: str) -> str:
    """The notice's text in language."""
    with use_language(language):
        renderer = RENDERERS.get(template)
        return renderer(params) if renderer else render(template, **params)
