"""access.yaml: its models and the loader that explains bad input."""
