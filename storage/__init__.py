"""Tables, the engine and the transactions the bot runs against its database."""
