//! The hub's request handler on any bytes: a clear error or an answer, never
//! a panic, whatever arrives on `POST /v1/rpc`.
#![no_main]

use std::sync::OnceLock;

use carnet_hub::{Hub, HubConfig, SqliteStorage};
use libfuzzer_sys::fuzz_target;

fn hub() -> &'static Hub<SqliteStorage> {
    static HUB: OnceLock<Hub<SqliteStorage>> = OnceLock::new();
    HUB.get_or_init(|| match SqliteStorage::open_in_memory() {
        Ok(storage) => Hub::new(storage, HubConfig::default()),
        Err(e) => panic!("an in-memory hub opens: {e}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = hub().handle(1_780_000_000_000, data);
});
