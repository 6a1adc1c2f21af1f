"""Shared decision-making companion for the temporary heart pump procedure."""
