"""The expert models: /models, the advisor and its result, the coordinators' /rules."""
