"""The emulator's HTTP routes, one module per resource of the contract."""
