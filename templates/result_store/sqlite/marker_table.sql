CREATE TABLE IF NOT EXISTS "table_updates" (
    {#- #}"id" INTEGER,
    {#- #} "update_id" TEXT NOT NULL PRIMARY KEY,
    {#- #} "target_table" TEXT,
    {#- #} "inserted" TIMESTAMP DEFAULT CURRENT_TIMESTAMP)
