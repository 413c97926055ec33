/**
 * The ClickHouse dialects live with the DuckDB one in ../sql/dialect.ts (one object per SQL the
 * read queries are spelled in); this module keeps the names the ClickHouse store imports.
 */
export { CLICKHOUSE_18, CLICKHOUSE_CURRENT, type Dialect as ChDialect, dialectFor } from '../sql/dialect.js';
