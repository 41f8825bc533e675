INSERT OR REPLACE INTO partitions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
