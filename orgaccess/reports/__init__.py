"""What orgaccess tells people: the doctor, drift of a fleet, the drift page, the review, export."""
