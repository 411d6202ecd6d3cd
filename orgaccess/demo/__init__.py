"""The demos: `make demo`, `make demo-genesys` and `make fleet-demo`."""
