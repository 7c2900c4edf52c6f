"""Rencai (人才): a financial talent work platform."""
