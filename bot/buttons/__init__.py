"""The kinds of buttons (typed callback data), one module per feature; the codec that packs and
unpacks them is bot.callbacks. Conversations and the engine import them; storage does not."""
