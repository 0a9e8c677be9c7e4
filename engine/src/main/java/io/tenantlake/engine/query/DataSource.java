package io.tenantlake.engine.query;

/**
 * A tenant's scoped data source: a named view of one model's rows that pass a filter (the filter
 * as the tenant wrote it; {@link FilterParser} checks it and writes the SQL that runs).
 */
public record DataSource(String name, String model, String filter, long createdAt) {}
