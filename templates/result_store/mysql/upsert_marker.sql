INSERT INTO `table_updates` (`update_id`, `target_table`) VALUES (?, ?)
{#- #} ON DUPLICATE KEY UPDATE `update_id` = VALUES(`update_id`)
