SELECT pipeline, path, text FROM artifacts
