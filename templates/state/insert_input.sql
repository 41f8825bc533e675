REPLACE INTO {{ p }}partition_inputs VALUES (?, ?, ?)
