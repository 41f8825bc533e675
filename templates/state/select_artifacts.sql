SELECT pipeline, path, text FROM {{ p }}artifacts
