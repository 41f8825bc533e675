CREATE TABLE IF NOT EXISTS `table_updates` (
    {#- #}`id` BIGINT(20) NOT NULL AUTO_INCREMENT,
    {#- #} `update_id` VARCHAR(128) NOT NULL PRIMARY KEY,
    {#- #} `target_table` VARCHAR(128),
    {#- #} `inserted` TIMESTAMP DEFAULT NOW(),
    {#- #} KEY `id` (`id`),
    {#- #} INDEX `target_table` (`target_table`))
