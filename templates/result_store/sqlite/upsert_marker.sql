INSERT INTO "table_updates" ("id", "update_id", "target_table")
{#- #} VALUES ((SELECT COALESCE(MAX("id"), 0) + 1 FROM "table_updates"), ?1, ?2)
{#- #} ON CONFLICT("update_id") DO UPDATE SET "update_id" = excluded."update_id"
