import DuckDB
let c = try Database().connect()
for sql in ["ATTACH 'x.db'", "PRAGMA version", "SET threads=1", "CALL pragma_version()", "EXPORT DATABASE 'x'", "INSTALL foo", "LOAD foo", "DETACH x", "SET VARIABLE x = 1", "PREPARE p AS SELECT 1", "EXECUTE p", "DESCRIBE SELECT 1", "SUMMARIZE SELECT 1", "SHOW TABLES", "FROM range(3)", "VALUES (1)", "CREATE MACRO m(x) AS x", "SELECT 1 UNION SELECT 2", "EXPLAIN SELECT 1", "USE memory","RESET threads","CHECKPOINT","BEGIN","VACUUM"] {
  do { print(sql, "=>", try c.statementTypes(of: sql)) } catch { print(sql, "=> ERR", error) }
}
