"""One module per conversation: its states, its handlers and a function that builds them."""
