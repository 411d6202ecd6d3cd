"""Genesys Cloud's dialect of the platform: its wire models and permission names."""
