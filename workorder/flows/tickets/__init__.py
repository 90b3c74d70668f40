"""Tickets: the state machine, the rules of who may act, and every ticket action."""
