INSERT OR REPLACE INTO partition_inputs VALUES (?1, ?2, ?3)
