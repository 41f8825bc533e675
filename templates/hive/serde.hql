ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'
  WITH SERDEPROPERTIES ('field.delim' = '\t', 'escape.delim' = '\\', 'serialization.escape.crlf' = 'true')
