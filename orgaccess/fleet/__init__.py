"""Fleet mode: one access.yaml split over many stacks that share a state backend (docs/fleet.md)."""
