//! Case files read from disk, USB sticks and the hub: any bytes are an error
//! or a case file whose view, history and conflicts can be read, never a panic.
#![no_main]

use carnet_core::{CaseFile, DeviceId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let device: DeviceId = "6f1c1f0e-2b5e-4c44-9a53-3e0b7f1d2a10"
        .parse()
        .unwrap_or_else(|_| unreachable!());
    if let Ok(mut case) = CaseFile::load(data, device) {
        let _ = case.view();
        let _ = case.conflicts();
        let _ = case.history();
    }
});
