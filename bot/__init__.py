"""partnerbot: a Telegram assistant for international administrative and municipal partnerships."""
