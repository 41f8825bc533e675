DELETE FROM `table_updates` WHERE `target_table` = ?
