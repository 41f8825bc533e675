DELETE FROM artifacts WHERE pipeline = ?1
