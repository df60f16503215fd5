//! Numbered schema migrations of the hub database. The version lives in
//! `PRAGMA user_version`. A migration that has shipped is frozen: a test pins
//! its text, so changing the schema means adding a migration, never editing one.

use rusqlite::Connection;

use crate::HubError;

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
        name: "snapshot versions",
        sql: include_str!("migrations/0002_snapshot_versions.sql"),
    },
    Migration {
        version: 3,
        name: "entries of several documents",
        sql: include_str!("migrations/0003_entries_of_several_documents.sql"),
    },
];

/// The schema version this code brings a database to.
pub(crate) fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Brings the database to the latest version, one transaction per migration.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), rusqlite::Error> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "updating the hub database"
        );
        let tx = conn.transaction()?;
        tx.execute_batch(migration.sql)?;
        tx.pragma_update(None, "user_version", migration.version)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema version of the database, refusing one from a newer hub.
pub(crate) fn check_version(conn: &Connection) -> Result<(), HubError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > latest() {
        return Err(HubError::NewerDatabase {
            found,
            known: latest(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_and_apply_to_an_empty_database() {
        for (i, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version, i as i64 + 1, "{}", migration.name);
        }
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, latest());
        // Running again is a no-op.
        migrate(&mut conn).unwrap();
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 7);
    }

    #[test]
    fn shipped_migrations_are_frozen() {
        // FNV-1a of each shipped migration's text. If this fails you edited a
        // migration that hubs already ran: revert it and add a new one.
        const SHIPPED: &[(i64, u64)] = &[
            (1, 10_444_641_480_049_375_380),
            (2, 13_777_245_553_209_060_673),
            (3, 18_256_194_710_449_901_019),
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
    fn a_database_from_a_newer_hub_is_refused() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest() + 1).unwrap();
        let err = check_version(&conn).unwrap_err();
        assert!(matches!(err, HubError::NewerDatabase { .. }), "{err}");
        assert_eq!(err.code(), "internal");
    }
}
