"""Driving the real Pulumi engine from outside: the Automation API, its results, the state backend and recovery."""
