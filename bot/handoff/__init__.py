"""Handing a conversation over to a human agent: opening hours, agents, the queue and review."""
