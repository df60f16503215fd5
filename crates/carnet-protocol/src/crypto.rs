//! End-to-end encryption: what the hub stores and relays but cannot read or
//! forge.
//!
//! - An **entry** carries Automerge changes of one case file. Its plaintext is
//!   encrypted with the team key of one epoch (XChaCha20-Poly1305); the team,
//!   the document, the author device, the epoch and the entry id are bound as
//!   associated data, and the author device signs the whole (Ed25519).
//! - The **team key** reaches a device wrapped: for a new device, under a key
//!   derived from the invite code with Argon2id; after a rotation, under a
//!   key agreed with the device's X25519 key (ephemeral-static Diffie-Hellman,
//!   HKDF-SHA256).
//!
//! Randomness (keys, nonces) is passed in, so everything here is deterministic
//! under test. Formats: do not change without a protocol version bump.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::ProtocolError;

/// A team key of one epoch.
#[derive(Clone)]
pub struct TeamKey {
    epoch: u32,
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for TeamKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamKey")
            .field("epoch", &self.epoch)
            .finish_non_exhaustive()
    }
}

impl TeamKey {
    /// A key from 32 random bytes.
    #[must_use]
    pub fn new(epoch: u32, key: [u8; 32]) -> Self {
        Self {
            epoch,
            key: Zeroizing::new(key),
        }
    }

    /// Its epoch.
    #[must_use]
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The key bytes, to store on the device (inside its encrypted database).
    #[must_use]
    pub fn bytes(&self) -> &[u8; 32] {
        &self.key
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&*self.key).into())
    }
}

/// A device's public keys, as enrolled at the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DevicePublicKeys {
    /// Ed25519 key that verifies its entries and requests.
    pub sign: [u8; 32],
    /// X25519 key that rotated team keys are wrapped to.
    pub agree: [u8; 32],
}

/// A device's secret keys. They never leave the device.
#[derive(Clone)]
pub struct DeviceSecretKeys {
    signing: SigningKey,
    agreement: x25519_dalek::StaticSecret,
}

impl std::fmt::Debug for DeviceSecretKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceSecretKeys")
            .field("public", &self.public())
            .finish_non_exhaustive()
    }
}

impl DeviceSecretKeys {
    /// Keys from two 32-byte random seeds.
    #[must_use]
    pub fn from_seeds(sign_seed: [u8; 32], agree_seed: [u8; 32]) -> Self {
        Self {
            signing: SigningKey::from_bytes(&sign_seed),
            agreement: x25519_dalek::StaticSecret::from(agree_seed),
        }
    }

    /// The seeds, to store on the device (inside its encrypted database).
    #[must_use]
    pub fn seeds(&self) -> Zeroizing<([u8; 32], [u8; 32])> {
        Zeroizing::new((self.signing.to_bytes(), self.agreement.to_bytes()))
    }

    /// The public halves.
    #[must_use]
    pub fn public(&self) -> DevicePublicKeys {
        DevicePublicKeys {
            sign: self.signing.verifying_key().to_bytes(),
            agree: x25519_dalek::PublicKey::from(&self.agreement).to_bytes(),
        }
    }

    /// Signs bytes (requests to the hub use this).
    #[must_use]
    pub fn sign(&self, context: &[u8], message: &[u8]) -> Vec<u8> {
        let mut signed = Vec::with_capacity(context.len() + message.len());
        signed.extend_from_slice(context);
        signed.extend_from_slice(message);
        self.signing.sign(&signed).to_bytes().to_vec()
    }
}

/// Verifies a signature made with [`DeviceSecretKeys::sign`].
///
/// # Errors
/// [`ProtocolError::BadSignature`].
pub fn verify(
    key: &DevicePublicKeys,
    context: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), ProtocolError> {
    let verifying = VerifyingKey::from_bytes(&key.sign).map_err(|_| ProtocolError::BadSignature)?;
    let signature = Signature::from_slice(signature).map_err(|_| ProtocolError::BadSignature)?;
    let mut signed = Vec::with_capacity(context.len() + message.len());
    signed.extend_from_slice(context);
    signed.extend_from_slice(message);
    verifying
        .verify(&signed, &signature)
        .map_err(|_| ProtocolError::BadSignature)
}

/// What an entry says about itself in clear: enough for the hub to route and
/// deduplicate it, nothing about its content.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EntryHeader {
    /// The team.
    pub team: Uuid,
    /// The documents whose changes it carries (case files, or the team
    /// roster), in increasing order without repeats; a snapshot names one.
    pub docs: Vec<Uuid>,
    /// The author device.
    pub author: Uuid,
    /// The team key epoch it is encrypted under.
    pub epoch: u32,
    /// Chosen by the author; a retried push carries the same id, so the hub
    /// stores it once.
    pub entry_id: Uuid,
}

/// The most documents one entry may name.
pub const MAX_ENTRY_DOCS: usize = 4096;

impl EntryHeader {
    /// A header naming one document.
    #[must_use]
    pub fn for_doc(team: Uuid, doc: Uuid, author: Uuid, epoch: u32, entry_id: Uuid) -> Self {
        Self {
            team,
            docs: vec![doc],
            author,
            epoch,
            entry_id,
        }
    }

    /// The document, when the entry names exactly one.
    #[must_use]
    pub fn single_doc(&self) -> Option<Uuid> {
        match self.docs.as_slice() {
            [doc] => Some(*doc),
            _ => None,
        }
    }

    /// Whether `docs` names at least one and at most [`MAX_ENTRY_DOCS`]
    /// documents, in increasing order without repeats (the only form a
    /// device writes, so each entry has one header and one signature).
    #[must_use]
    pub fn docs_are_canonical(&self) -> bool {
        !self.docs.is_empty()
            && self.docs.len() <= MAX_ENTRY_DOCS
            && self.docs.windows(2).all(|pair| pair[0] < pair[1])
    }

    /// The associated data bound into the encryption and the signature. An
    /// entry naming one document binds exactly what protocol version 2
    /// bound, so entries sealed then still open.
    fn associated_data(&self) -> Vec<u8> {
        let mut aad = Vec::with_capacity(88 + 16 * self.docs.len());
        if let Some(doc) = self.single_doc() {
            aad.extend_from_slice(b"carnet/entry/1");
            aad.extend_from_slice(self.team.as_bytes());
            aad.extend_from_slice(doc.as_bytes());
        } else {
            aad.extend_from_slice(b"carnet/entry/3");
            aad.extend_from_slice(self.team.as_bytes());
            let count = u32::try_from(self.docs.len()).unwrap_or(u32::MAX);
            aad.extend_from_slice(&count.to_be_bytes());
            for doc in &self.docs {
                aad.extend_from_slice(doc.as_bytes());
            }
        }
        aad.extend_from_slice(self.author.as_bytes());
        aad.extend_from_slice(&self.epoch.to_be_bytes());
        aad.extend_from_slice(self.entry_id.as_bytes());
        aad
    }
}

/// An encrypted, signed entry, as pushed to and stored by the hub.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedEntry {
    /// In clear.
    pub header: EntryHeader,
    /// 24 random bytes.
    pub nonce: [u8; 24],
    /// The encrypted changes.
    pub ciphertext: Vec<u8>,
    /// Ed25519 signature by the author over header, nonce and ciphertext.
    pub signature: Vec<u8>,
}

const SIGNATURE_CONTEXT: &[u8] = b"carnet/sig/1";

impl SealedEntry {
    /// Encrypts and signs `plaintext`.
    ///
    /// # Errors
    /// [`ProtocolError::UnknownEpoch`] when the key's epoch is not the header's.
    pub fn seal(
        header: EntryHeader,
        plaintext: &[u8],
        key: &TeamKey,
        author: &DeviceSecretKeys,
        nonce: [u8; 24],
    ) -> Result<Self, ProtocolError> {
        if key.epoch != header.epoch {
            return Err(ProtocolError::UnknownEpoch(header.epoch));
        }
        let aad = header.associated_data();
        let ciphertext = key
            .cipher()
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| ProtocolError::Decrypt)?;
        let signature = author.sign(SIGNATURE_CONTEXT, &signed_bytes(&aad, &nonce, &ciphertext));
        Ok(Self {
            header,
            nonce,
            ciphertext,
            signature,
        })
    }

    /// Checks the author's signature.
    ///
    /// # Errors
    /// [`ProtocolError::BadSignature`].
    pub fn verify(&self, author: &DevicePublicKeys) -> Result<(), ProtocolError> {
        let aad = self.header.associated_data();
        verify(
            author,
            SIGNATURE_CONTEXT,
            &signed_bytes(&aad, &self.nonce, &self.ciphertext),
            &self.signature,
        )
    }

    /// Decrypts with the team key of the entry's epoch (check the signature first).
    ///
    /// # Errors
    /// [`ProtocolError::UnknownEpoch`] or [`ProtocolError::Decrypt`].
    pub fn open(&self, key: &TeamKey) -> Result<Vec<u8>, ProtocolError> {
        if key.epoch != self.header.epoch {
            return Err(ProtocolError::UnknownEpoch(self.header.epoch));
        }
        let aad = self.header.associated_data();
        key.cipher()
            .decrypt(
                XNonce::from_slice(&self.nonce),
                Payload {
                    msg: &self.ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| ProtocolError::Decrypt)
    }
}

fn signed_bytes(aad: &[u8], nonce: &[u8; 24], ciphertext: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(aad.len() + 24 + ciphertext.len());
    out.extend_from_slice(aad);
    out.extend_from_slice(nonce);
    out.extend_from_slice(ciphertext);
    out
}

/// A secret sealed for one recipient (an invite-code holder or a device).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrapped {
    /// For device wrapping, the sender's ephemeral X25519 public key; zeros for invite codes.
    pub ephemeral: [u8; 32],
    /// 24 random bytes.
    pub nonce: [u8; 24],
    /// The sealed secret.
    pub ciphertext: Vec<u8>,
}

/// Argon2id costs for invite codes: the hub holds the wrapped key and could
/// try codes offline, so each guess must be expensive.
const INVITE_KDF: (u32, u32, u32) = (64 * 1024, 3, 1);

/// Normalises an invite code as people type it: case, spaces and dashes ignored.
#[must_use]
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The id under which the hub files an invite, derived from its code so the
/// joiner can name it without the hub learning the code.
#[must_use]
pub fn invite_id(code: &str) -> Uuid {
    use sha2::Digest;
    let digest = Sha256::new()
        .chain_update(b"carnet/invite-id/1")
        .chain_update(normalise_code(code))
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

fn code_key(code: &str, salt: &[u8; 16]) -> Result<Zeroizing<[u8; 32]>, ProtocolError> {
    let (m, t, p) = INVITE_KDF;
    let params = Params::new(m, t, p, Some(32)).map_err(|e| ProtocolError::Kdf(e.to_string()))?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(normalise_code(code).as_bytes(), salt, key.as_mut())
        .map_err(|e| ProtocolError::Kdf(e.to_string()))?;
    Ok(key)
}

fn seal_with(
    key: &[u8; 32],
    nonce: [u8; 24],
    context: &[u8],
    secret: &[u8],
) -> Result<Vec<u8>, ProtocolError> {
    XChaCha20Poly1305::new(key.into())
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: secret,
                aad: context,
            },
        )
        .map_err(|_| ProtocolError::Unwrap)
}

fn open_with(key: &[u8; 32], wrapped: &Wrapped, context: &[u8]) -> Result<Zeroizing<Vec<u8>>, ProtocolError> {
    XChaCha20Poly1305::new(key.into())
        .decrypt(
            XNonce::from_slice(&wrapped.nonce),
            Payload {
                msg: &wrapped.ciphertext,
                aad: context,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| ProtocolError::Unwrap)
}

/// Seals `secret` under a key derived from an invite code (salted with the invite's id).
///
/// # Errors
/// [`ProtocolError::Kdf`].
pub fn wrap_with_code(
    code: &str,
    invite_id: &Uuid,
    secret: &[u8],
    nonce: [u8; 24],
) -> Result<Wrapped, ProtocolError> {
    let key = code_key(code, invite_id.as_bytes())?;
    let ciphertext = seal_with(&key, nonce, b"carnet/invite/1", secret)?;
    Ok(Wrapped {
        ephemeral: [0; 32],
        nonce,
        ciphertext,
    })
}

/// Opens what [`wrap_with_code`] sealed.
///
/// # Errors
/// [`ProtocolError::Unwrap`] for a wrong code.
pub fn unwrap_with_code(
    code: &str,
    invite_id: &Uuid,
    wrapped: &Wrapped,
) -> Result<Zeroizing<Vec<u8>>, ProtocolError> {
    let key = code_key(code, invite_id.as_bytes())?;
    open_with(&key, wrapped, b"carnet/invite/1")
}

fn agreed_key(
    shared: &[u8; 32],
    ephemeral: &[u8; 32],
    recipient: &[u8; 32],
) -> Result<Zeroizing<[u8; 32]>, ProtocolError> {
    let mut info = Vec::with_capacity(77);
    info.extend_from_slice(b"carnet/wrap/1");
    info.extend_from_slice(ephemeral);
    info.extend_from_slice(recipient);
    let mut key = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(None, shared)
        .expand(&info, key.as_mut())
        .map_err(|e| ProtocolError::Kdf(e.to_string()))?;
    Ok(key)
}

/// Seals `secret` for one device's X25519 key.
///
/// # Errors
/// [`ProtocolError::Kdf`].
pub fn wrap_for_device(
    recipient: &DevicePublicKeys,
    secret: &[u8],
    ephemeral_seed: [u8; 32],
    nonce: [u8; 24],
) -> Result<Wrapped, ProtocolError> {
    let ephemeral = x25519_dalek::StaticSecret::from(ephemeral_seed);
    let ephemeral_public = x25519_dalek::PublicKey::from(&ephemeral).to_bytes();
    let shared = ephemeral.diffie_hellman(&x25519_dalek::PublicKey::from(recipient.agree));
    let key = agreed_key(shared.as_bytes(), &ephemeral_public, &recipient.agree)?;
    let ciphertext = seal_with(&key, nonce, b"carnet/device-wrap/1", secret)?;
    Ok(Wrapped {
        ephemeral: ephemeral_public,
        nonce,
        ciphertext,
    })
}

/// Opens what [`wrap_for_device`] sealed for this device.
///
/// # Errors
/// [`ProtocolError::Unwrap`] when it was sealed for another device or altered.
pub fn unwrap_for_device(
    keys: &DeviceSecretKeys,
    wrapped: &Wrapped,
) -> Result<Zeroizing<Vec<u8>>, ProtocolError> {
    let shared = keys
        .agreement
        .diffie_hellman(&x25519_dalek::PublicKey::from(wrapped.ephemeral));
    let key = agreed_key(shared.as_bytes(), &wrapped.ephemeral, &keys.public().agree)?;
    open_with(&key, wrapped, b"carnet/device-wrap/1")
}
