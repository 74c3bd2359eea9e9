/**
 * The DuckDB case schema's history. Each migration is frozen once released: to change the schema, add one at the end
 * (new columns go at the end of a table, because the appender writes columns in table order, and at the end of the
 * matching list in ../schema.ts). Each runs in its own transaction with the row that records it in `schema_version`,
 * so a case is always at exactly one version.
 */

export interface Migration {
  version: number;
  description: string;
  statements: readonly string[];
}

/** Created before any migration, so that the version of every case can be read. */
export const BOOTSTRAP = `CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER PRIMARY KEY,
  description VARCHAR NOT NULL,
  applied_at TIMESTAMP NOT NULL,
  hardnut_version VARCHAR
)`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'case metadata, runs, findings and hosts',
    statements: [
      `CREATE TABLE case_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
      `CREATE TABLE runs (
        id UUID PRIMARY KEY,
        command VARCHAR NOT NULL,
        arguments VARCHAR[] NOT NULL,
        hardnut_version VARCHAR NOT NULL,
        machine VARCHAR,
        started_at TIMESTAMP NOT NULL,
        ended_at TIMESTAMP,
        completed BOOLEAN NOT NULL DEFAULT false,
        error VARCHAR,
        files_read BIGINT,
        bytes_read BIGINT,
        events_read BIGINT,
        inputs_skipped BIGINT,
        skipped JSON,
        rules_loaded BIGINT,
        rules_failed BIGINT,
        findings BIGINT
      )`,
      // No primary key or foreign key: an index would slow the appender's bulk loads; (run_id, seq) is unique by
      // construction (the recorder numbers a run's findings).
      `CREATE TABLE findings (
        run_id UUID NOT NULL,
        seq BIGINT NOT NULL,
        kind VARCHAR NOT NULL,
        time TIMESTAMP,
        host VARCHAR,
        source VARCHAR NOT NULL,
        level VARCHAR NOT NULL,
        level_rank TINYINT NOT NULL,
        rule_id VARCHAR NOT NULL,
        rule_title VARCHAR NOT NULL,
        rule_level VARCHAR,
        rule_status VARCHAR,
        rule_author VARCHAR,
        rule_description VARCHAR,
        rule_references JSON,
        rule_tags JSON,
        attack JSON,
        tactics JSON,
        summary VARCHAR,
        evidence JSON,
        origin_engine VARCHAR,
        origin_command VARCHAR,
        origin_version VARCHAR,
        record BIGINT,
        channel VARCHAR,
        event_id INTEGER,
        path VARCHAR,
        sha256 VARCHAR,
        size BIGINT,
        mtime TIMESTAMP,
        score DOUBLE,
        matches JSON,
        count BIGINT,
        extra JSON
      )`,
      `CREATE TABLE hosts (
        name VARCHAR PRIMARY KEY,
        first_seen TIMESTAMP,
        last_seen TIMESTAMP,
        findings BIGINT NOT NULL DEFAULT 0,
        max_level_rank TINYINT,
        crown_jewel BOOLEAN NOT NULL DEFAULT false,
        role VARCHAR,
        notes VARCHAR
      )`,
    ],
  },
  {
    version: 2,
    description: 'events kept for investigation (hunt --store-events)',
    statements: [
      `CREATE TABLE events (
        run_id UUID NOT NULL,
        seq BIGINT NOT NULL,
        source VARCHAR NOT NULL,
        record BIGINT,
        time TIMESTAMP,
        host VARCHAR,
        channel VARCHAR,
        event_id INTEGER,
        provider VARCHAR,
        fields JSON
      )`,
      `ALTER TABLE runs ADD COLUMN events_stored BIGINT`,
    ],
  },
  {
    version: 3,
    description: "each run's inputs (read, skipped and why) and views that unnest ATT&CK ids",
    statements: [
      `CREATE TABLE run_inputs (
        run_id UUID NOT NULL,
        seq BIGINT NOT NULL,
        path VARCHAR,
        status VARCHAR NOT NULL,
        code VARCHAR,
        message VARCHAR,
        bytes BIGINT,
        events BIGINT
      )`,
      `CREATE VIEW finding_techniques AS
        SELECT run_id, seq, host, level, level_rank, rule_title, unnest(CAST(attack AS VARCHAR[])) AS technique
        FROM findings`,
      `CREATE VIEW finding_tactics AS
        SELECT run_id, seq, host, level, level_rank, rule_title, unnest(CAST(tactics AS VARCHAR[])) AS tactic
        FROM findings`,
    ],
  },
];
