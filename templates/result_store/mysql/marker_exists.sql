SELECT 1 FROM `table_updates` WHERE `update_id` = ?
