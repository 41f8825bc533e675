DELETE FROM {{ p }}artifacts WHERE pipeline = ?
