"""Muara."""
