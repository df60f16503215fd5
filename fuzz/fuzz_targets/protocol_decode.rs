//! Every decoder of bytes from the network or from a device's saved state:
//! any input is an error or a message, never a panic.
#![no_main]

use carnet_protocol::{PROTOCOL_VERSION, Request, Response, SignedRequest, decode, unpack_changes, v2};
use carnet_sync::EngineState;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = decode::<SignedRequest>(data);
    let _ = decode::<Request>(data);
    let _ = decode::<Response>(data);
    let _ = EngineState::decode_saved(data);
    let _ = v2::decode_saved_entry(data);
    for docs in [0, 1, 2, 7] {
        let _ = unpack_changes(data, docs);
    }
    // Also behind a valid envelope, where the message decoder does the work,
    // of this version and of the one saved states may still use.
    for version in [PROTOCOL_VERSION, v2::VERSION] {
        let mut framed = b"CRNT".to_vec();
        framed.extend_from_slice(&version.to_be_bytes());
        framed.extend_from_slice(data);
        let _ = decode::<SignedRequest>(&framed);
        let _ = decode::<Response>(&framed);
        let _ = EngineState::decode_saved(&framed);
        let _ = v2::decode_saved_entry(&framed);
    }
});
