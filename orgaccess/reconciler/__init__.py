"""The reconciler: live reads, drift records, the kinds and the one driver of check/diff/create/read/update/delete."""
