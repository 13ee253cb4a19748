"""A person's privacy rights in chat: see and take my data (/mydata), erase it (/deleteme)."""
