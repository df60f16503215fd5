//! The database key: Argon2id over the passphrase, with a salt and the cost
//! parameters kept in a small JSON file beside the database.
//!
//! Format of `carnet.key` (do not change without bumping `format`):
//! `{"format":1,"kdf":"argon2id","m_kib":65536,"t":3,"p":1,"salt":"<hex>"}`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::StoreError;

/// Argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// For real notebooks: 64 MiB and 3 passes, a fraction of a second on a
    /// low-end tablet, and costly for anyone guessing passphrases offline.
    pub const DEVICE: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };

    /// Cheap parameters for tests only: they give no protection.
    pub const INSECURE_FOR_TESTS: KdfParams = KdfParams {
        m_kib: 256,
        t: 1,
        p: 1,
    };
}

#[derive(Debug, Serialize, Deserialize)]
struct KeyFileContents {
    format: u32,
    kdf: String,
    m_kib: u32,
    t: u32,
    p: u32,
    salt: String,
}

/// The key file beside the database.
#[derive(Debug)]
pub(crate) struct KeyFile {
    params: KdfParams,
    salt: [u8; 16],
}

pub(crate) fn key_path(dir: &Path) -> PathBuf {
    dir.join("carnet.key")
}

impl KeyFile {
    pub(crate) fn generate(params: KdfParams) -> Self {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        Self { params, salt }
    }

    /// Writes the file atomically (temporary file, fsync, rename).
    pub(crate) fn write(&self, dir: &Path) -> Result<(), StoreError> {
        let contents = KeyFileContents {
            format: 1,
            kdf: "argon2id".into(),
            m_kib: self.params.m_kib,
            t: self.params.t,
            p: self.params.p,
            salt: hex::encode(self.salt),
        };
        let json = serde_json::to_vec_pretty(&contents).map_err(std::io::Error::other)?;
        let path = key_path(dir);
        let tmp = dir.join("carnet.key.tmp");
        let mut file = fs::File::create(&tmp)?;
        file.write_all(&json)?;
        file.sync_all()?;
        fs::rename(&tmp, &path)?;
        Ok(())
    }

    pub(crate) fn read(dir: &Path) -> Result<Self, StoreError> {
        let path = key_path(dir);
        let bad = |reason: String| StoreError::KeyFile {
            path: path.clone(),
            reason,
        };
        let bytes = fs::read(&path).map_err(|e| bad(e.to_string()))?;
        let c: KeyFileContents = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
        if c.format != 1 || c.kdf != "argon2id" {
            return Err(bad(format!("unknown key format {} / {}", c.format, c.kdf)));
        }
        let salt: [u8; 16] = hex::decode(&c.salt)
            .ok()
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| bad("the salt is not 16 bytes of hex".into()))?;
        let params = KdfParams {
            m_kib: c.m_kib,
            t: c.t,
            p: c.p,
        };
        Params::new(params.m_kib, params.t, params.p, Some(32)).map_err(|e| bad(e.to_string()))?;
        Ok(Self { params, salt })
    }

    /// Derives the 32-byte database key from the passphrase.
    pub(crate) fn derive(&self, passphrase: &str) -> Result<Zeroizing<[u8; 32]>, StoreError> {
        let params = Params::new(self.params.m_kib, self.params.t, self.params.p, Some(32)).map_err(|e| {
            StoreError::KeyFile {
                path: PathBuf::from("carnet.key"),
                reason: e.to_string(),
            }
        })?;
        let mut key = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), &self.salt, key.as_mut())
            .map_err(|e| StoreError::KeyFile {
                path: PathBuf::from("carnet.key"),
                reason: e.to_string(),
            })?;
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_depends_on_passphrase_and_salt_and_round_trips_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = KeyFile::generate(KdfParams::INSECURE_FOR_TESTS);
        file.write(dir.path()).unwrap();
        let read = KeyFile::read(dir.path()).unwrap();
        assert_eq!(*read.derive("sésame").unwrap(), *file.derive("sésame").unwrap());
        assert_ne!(*read.derive("sesame").unwrap(), *file.derive("sésame").unwrap());
        let other = KeyFile::generate(KdfParams::INSECURE_FOR_TESTS);
        assert_ne!(*other.derive("sésame").unwrap(), *file.derive("sésame").unwrap());
    }

    #[test]
    fn a_damaged_key_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(key_path(dir.path()), b"{not json").unwrap();
        let err = KeyFile::read(dir.path()).unwrap_err();
        assert!(matches!(err, StoreError::KeyFile { .. }), "{err}");
        fs::write(
            key_path(dir.path()),
            br#"{"format":2,"kdf":"argon2id","m_kib":8,"t":1,"p":1,"salt":"00"}"#,
        )
        .unwrap();
        assert!(KeyFile::read(dir.path()).is_err());
    }
}
