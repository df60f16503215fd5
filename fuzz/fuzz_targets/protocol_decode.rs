//! Every decoder of bytes from the network: any input is an error or a
//! message, never a panic.
#![no_main]

use carnet_protocol::{Request, Response, SignedRequest, decode};
use carnet_sync::EngineState;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = decode::<SignedRequest>(data);
    let _ = decode::<Request>(data);
    let _ = decode::<Response>(data);
    let _ = decode::<EngineState>(data);
    // Also behind a valid envelope, where the message decoder does the work.
    let mut framed = b"CRNT\x00\x01".to_vec();
    framed.extend_from_slice(data);
    let _ = decode::<SignedRequest>(&framed);
    let _ = decode::<Response>(&framed);
});
