"""Turning an outbox row into the text its recipient reads, in the recipient's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.contributions import Renderer
from bot.i18n import render, use_language


def render_notice(
    renderers: Mapping[str, Renderer], template: str, params: dict[str, Any], language: str
) -> str:
    """The notice's text in language: through the template's own renderer (contributed by its
    conversation, e.g. a submission's summary), else with the params as they are."""
    with use_language(language):
        renderer = renderers.get(template)
        return renderer(params) if renderer else render(template, **params)
