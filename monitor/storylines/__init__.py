"""Storylines: what analysts track, and which articles belong to them."""
