//! Numbered schema migrations. The version lives in `PRAGMA user_version`.
//! A migration that has shipped is frozen: a test pins its text, so changing
//! the schema means adding a migration, never editing one.

use rusqlite::Connection;

use crate::StoreError;

/// One migration.
#[derive(Debug)]
pub(crate) struct Migration {
    /// The version the database has after it.
    pub(crate) version: i64,
    /// What it does.
    pub(crate) name: &'static str,
    /// The SQL.
    pub(crate) sql: &'static str,
}

pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("migrations/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "team and sync",
        sql: include_str!("migrations/0002_team_sync.sql"),
    },
    Migration {
        version: 3,
        name: "team roster and snapshots",
        sql: include_str!("migrations/0003_roster_snapshots.sql"),
    },
    Migration {
        version: 4,
        name: "archived case files",
        sql: include_str!("migrations/0004_archived_case_files.sql"),
    },
    Migration {
        version: 5,
        name: "review points",
        sql: include_str!("migrations/0005_review_points.sql"),
    },
    Migration {
        version: 6,
        name: "sync outbox rows",
        sql: include_str!("migrations/0006_outbox_rows.sql"),
    },
    Migration {
        version: 7,
        name: "full-text rows per visit",
        sql: include_str!("migrations/0007_search_rows_per_visit.sql"),
    },
    Migration {
        version: 8,
        name: "index rows taken from snapshots",
        sql: include_str!("migrations/0008_unchecked_rows.sql"),
    },
    Migration {
        version: 9,
        name: "full-text merges in the background",
        sql: include_str!("migrations/0009_search_merges_when_idle.sql"),
    },
];

/// The schema version this code brings a database to.
pub(crate) fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Brings the database to the latest version, one transaction per migration.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > latest() {
        return Err(StoreError::NewerDatabase {
            found: current,
            known: latest(),
        });
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(migration.sql)
            .map_err(|source| StoreError::Migration {
                version: migration.version,
                name: migration.name,
                source,
            })?;
        tx.pragma_update(None, "user_version", migration.version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_and_apply_to_an_empty_database() {
        // In order, each once.
        let versions: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
        assert_eq!(versions, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, latest());
        // Running again is a no-op.
        migrate(&mut conn).unwrap();
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }

    #[test]
    fn shipped_migrations_are_frozen() {
        // FNV-1a of each shipped migration's text. If this fails you edited a
        // migration that devices already ran: revert it and add a new one.
        const SHIPPED: &[(i64, u64)] = &[
            (1, 17_141_669_854_985_486_164),
            (2, 13_465_172_348_963_070_375),
            (3, 7_230_204_387_299_571_687),
            (4, 5_001_456_929_850_153_416),
            (5, 10_397_446_002_358_619_825),
            (6, 1_691_852_236_372_377_432),
            (7, 17_158_427_157_440_789_154),
            (8, 23_811_749_419_037_338),
            (9, 15_957_302_230_190_756_654),
        ];
        fn fnv1a(text: &str) -> u64 {
            text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            })
        }
        for (version, hash) in SHIPPED {
            let migration = MIGRATIONS.iter().find(|m| m.version == *version).unwrap();
            assert_eq!(
                fnv1a(migration.sql),
                *hash,
                "migration {version} was edited after it shipped"
            );
        }
    }

    #[test]
    fn caseload_rows_from_before_the_archive_flag_read_as_not_archived() {
        let mut conn = Connection::open_in_memory().unwrap();
        for migration in MIGRATIONS.iter().filter(|m| m.version <= 3) {
            conn.execute_batch(migration.sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 3).unwrap();
        conn.execute(
            "INSERT INTO documents (case_id, snapshot, updated_ms) VALUES ('c', x'', 0)",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO caseload (case_id, name, sort_key, commune, commune_key, visits, open_procedures,
                                   conflicts, read_only)
             VALUES ('c', 'Hélène Roux', 'helene roux', 'Felletin', 'felletin', 0, 0, 0, 0)",
            [],
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let archived: i64 = conn
            .query_row("SELECT archived FROM caseload WHERE case_id = 'c'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(archived, 0);
    }

    #[test]
    fn a_sync_state_from_before_the_outbox_rows_is_kept() {
        let mut conn = Connection::open_in_memory().unwrap();
        for migration in MIGRATIONS.iter().filter(|m| m.version <= 4) {
            conn.execute_batch(migration.sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        conn.execute(
            "INSERT INTO sync_state (singleton, engine, last_sync_ms) VALUES (1, x'0701', 5)",
            [],
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let engine: Vec<u8> = conn
            .query_row("SELECT engine FROM sync_state", [], |r| r.get(0))
            .unwrap();
        assert_eq!(engine, [7, 1]);
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0);
    }

    #[test]
    fn a_database_from_a_newer_carnet_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest() + 1).unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(matches!(err, StoreError::NewerDatabase { .. }), "{err}");
    }
}
