REPLACE INTO {{ p }}artifacts VALUES (?, ?, ?, ?)
