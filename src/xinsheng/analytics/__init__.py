"""The analytics engine layer: SQL written once (DuckDB dialect) and run on embedded DuckDB
over the Parquet lake, on PostgreSQL directly, or (transpiled by SQLGlot) on Spark SQL."""
