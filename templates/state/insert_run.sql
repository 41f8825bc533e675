REPLACE INTO {{ p }}runs VALUES (?, ?, ?)
