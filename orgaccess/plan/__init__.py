"""The plan: the declarations as objects to reconcile, and the checks before any write."""
