"""The platform's HTTP API as the reconciler speaks it: wire models, typed errors, the client."""
