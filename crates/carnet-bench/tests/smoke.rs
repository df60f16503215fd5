//! Each benchmark scenario at a small size, so the harness cannot rot. Only
//! what cannot depend on the machine is asserted: the scenario ran to its
//! end and its counts are sane. Timings are never asserted.

// A panic is how a smoke run fails.
#![allow(clippy::unwrap_used)]

use carnet_bench::caseload::{self, CaseloadParams, QUERIES};
use carnet_bench::load::{HubProgram, LoadParams};
use carnet_bench::{DemoNotebook, LinkProfile, Team, day, join, load, quiet, side_by_side, slow};
use carnet_hub::RateLimit;
use carnet_store::KdfParams;

const PEOPLE: usize = 50;
const SEED: u64 = 1;
/// Cheap key derivation: the smoke runs measure nothing.
const KDF: KdfParams = KdfParams::INSECURE_FOR_TESTS;

fn notebook(people: usize) -> DemoNotebook {
    DemoNotebook::prepare(people, SEED, KDF, None).unwrap()
}

#[test]
fn caseload_runs_at_a_small_size() {
    let params = CaseloadParams {
        kdf: KDF,
        heavy_visits: 20,
        heavy_saves: 5,
        ordinary_saves: 10,
        search_repeats: 2,
        cold_starts: 2,
        open_repeats: 2,
        page_size: 60,
    };
    let report = caseload::run(&notebook(PEOPLE), &params).unwrap();
    let everyone = PEOPLE + 1; // the demo people and the large case file
    assert_eq!(report.cold_start.runs.len(), 2);
    assert_eq!(report.cold_start.rows, everyone);
    assert_eq!(report.cold_start.count, everyone as u64);
    assert_eq!(report.cold_start.kdf, KDF);
    assert_eq!(report.searches.len(), QUERIES.len());
    assert!(
        report.searches.iter().any(|s| s.hits > 0),
        "{:?}",
        report.searches
    );
    assert_eq!(report.search_all.count, 2 * QUERIES.len());
    assert_eq!(report.open_heavy.count, 2);
    assert_eq!(report.save_growing.count, 20);
    assert_eq!(report.save_heavy.count, 5);
    assert_eq!(report.save_ordinary.count, 10);
    assert_eq!(report.save_ordinary_unopened.count, 10);
    let sizes = &report.sizes;
    assert_eq!(sizes.case_files, everyone);
    // The demo people's visits, the 20 + 5 of the large file and the 10 saved.
    assert!(sizes.visits >= PEOPLE + 35, "{sizes:?}");
    assert!(
        sizes.note_bytes > 0 && sizes.text_bytes > sizes.note_bytes,
        "{sizes:?}"
    );
    assert!(sizes.json_bytes > sizes.text_bytes, "{sizes:?}");
    assert!(sizes.database_bytes > 0, "{sizes:?}");
    assert!(report.to_string().contains("Scenario 1"));
}

#[test]
fn a_quiet_sync_is_one_round_trip_whatever_the_caseload() {
    let mut syncs = Vec::new();
    for people in [5, PEOPLE] {
        let mut team = Team::new(&notebook(people)).unwrap();
        assert!(team.upload.traffic.bytes_up > 0);
        syncs.push(quiet::run(&mut team).unwrap());
    }
    let (small, large) = (&syncs[0].sync, &syncs[1].sync);
    for sync in [small, large] {
        assert_eq!(sync.traffic.round_trips, 1, "{sync:?}");
        assert_eq!(sync.traffic.requests("sync").count, 1, "{sync:?}");
        assert!(
            sync.traffic.bytes_up > 0 && sync.traffic.bytes_down > 0,
            "{sync:?}"
        );
        // The wire carries the bodies and the HTTP around them.
        assert!(sync.wire.up > sync.traffic.bytes_up, "{sync:?}");
        assert!(sync.wire.down > sync.traffic.bytes_down, "{sync:?}");
    }
    assert_eq!(syncs[0].applied + syncs[1].applied, 0);
    // Ten times the case files; the same request and answer, give or take a
    // byte of a number's encoding.
    assert!(
        large.traffic.bytes_up <= small.traffic.bytes_up + 4,
        "{small:?} {large:?}"
    );
    assert!(
        large.traffic.bytes_down <= small.traffic.bytes_down + 4,
        "{small:?} {large:?}"
    );
    let report = quiet::QuietReport { sizes: syncs };
    assert!(report.to_string().contains("Scenario 3"));
}

#[test]
fn a_days_work_uploads_at_least_the_floor() {
    let mut team = Team::new(&notebook(PEOPLE)).unwrap();
    let report = day::run(&mut team, 30, SEED).unwrap();
    assert_eq!(report.visits, 30);
    assert_eq!(report.syncs, 1);
    assert!(report.sync.traffic.round_trips >= 1);
    assert!(report.floor_bytes > 0);
    assert!(report.floor_bytes < report.content_json_bytes);
    assert!(report.note_bytes < report.content_json_bytes);
    // Nothing can carry the new content in fewer bytes than zstd -19 of it.
    assert!(
        report.sync.traffic.bytes_up >= report.floor_bytes,
        "{} B sent for a floor of {} B",
        report.sync.traffic.bytes_up,
        report.floor_bytes
    );
    // What the device pushed does not come back: the answer is the acks.
    assert_eq!(report.applied, 0);
    assert!(report.sync.traffic.bytes_down < 200, "{:?}", report.sync.traffic);
    assert!(report.to_string().contains("Scenario 2"));
}

#[test]
fn a_new_device_joins_without_and_with_snapshots() {
    let mut team = Team::new(&notebook(PEOPLE)).unwrap();
    let report = join::run(&mut team, KDF, SEED).unwrap();
    let (without, with) = (&report.without_snapshots, &report.with_snapshots);
    for joined in [without, with] {
        assert_eq!(joined.case_files, PEOPLE);
        assert_eq!(joined.heads_checked, PEOPLE);
        assert_eq!(joined.join.traffic.requests("join").count, 1);
        assert!(joined.round_trips() >= 3, "{joined:?}");
    }
    // The demo people and the team roster.
    assert!(
        report.snapshot_setup.snapshots > PEOPLE,
        "{:?}",
        report.snapshot_setup
    );
    // Without snapshots every case file comes from the log; with them, the
    // snapshots bring it and the log brings (almost) nothing.
    assert!(without.applied >= PEOPLE, "{without:?}");
    assert!(with.join.traffic.requests("snapshots").bytes_down > 0, "{with:?}");
    assert!(with.applied < PEOPLE, "{with:?}");
    assert!(
        with.sync.traffic.bytes_down < without.sync.traffic.bytes_down,
        "{without:?} {with:?}"
    );
    // The snapshots carried their index rows: written without loading, then
    // each case file checked once against its document.
    assert_eq!(without.unchecked_after_join, 0);
    assert_eq!(with.unchecked_after_join, PEOPLE as u64, "{with:?}");
    assert_eq!(with.checked_by_syncs + with.checked_after, PEOPLE, "{with:?}");
    assert!(report.hub_database_bytes > 0);
    assert!(report.to_string().contains("Scenario 4"));
}

#[test]
fn samod_side_by_side_ends_in_step_and_counts_both_sides() {
    const DOCUMENTS: usize = 20;
    const VISITS: usize = 3;
    let report = side_by_side::run(&notebook(DOCUMENTS), VISITS, SEED, &mut |_| {}).unwrap();
    assert_eq!(report.people, DOCUMENTS);
    // Carnet's own numbers, from scenarios 3 and 2 run on the same caseload.
    assert_eq!(report.carnet_quiet.sync.traffic.round_trips, 1);
    assert!(report.carnet_quiet.sync.wire.up > 0 && report.carnet_quiet.sync.wire.down > 0);
    assert_eq!(report.carnet_day.visits, VISITS);
    assert_eq!(report.carnet_day.cases.len(), VISITS);
    assert!(report.carnet_day.sync.wire.up >= report.carnet_day.floor_bytes);
    // Every samod measurement ended with every document of B at A's heads.
    for sync in [&report.samod_fetch, &report.samod_quiet, &report.samod_day] {
        assert_eq!(sync.documents_checked, DOCUMENTS, "{sync:?}");
        assert!(sync.b_to_a.bytes > 0 && sync.a_to_b.bytes > 0, "{sync:?}");
        assert!(sync.b_to_a.messages > 0 && sync.a_to_b.messages > 0, "{sync:?}");
        // Bytes are whole frames: at least 4 bytes of length per message.
        assert!(sync.bytes() >= 4 * sync.messages(), "{sync:?}");
    }
    // B had nothing: every document came from A, as sync messages.
    let fetch = &report.samod_fetch;
    assert_eq!(fetch.documents_in_messages, DOCUMENTS, "{fetch:?}");
    assert!(
        fetch.a_to_b.kind("sync").messages >= DOCUMENTS as u64,
        "{fetch:?}"
    );
    // The fetch carries the documents; the quiet reconnect only checks them.
    assert!(report.samod_quiet.bytes() < fetch.bytes(), "{report:?}");
    // The day's changes went from A to B: more than the quiet reconnect.
    assert!(
        report.samod_day.a_to_b.bytes > report.samod_quiet.a_to_b.bytes,
        "{report:?}"
    );
    let quiet = report.quiet_ratio();
    assert!(quiet.bytes > 0.0 && quiet.round_trips > 0.0, "{quiet:?}");
    assert!(report.to_string().contains("Scenario 7"));
}

#[test]
fn a_days_work_crosses_a_slow_link() {
    let mut team = Team::new(&notebook(10)).unwrap();
    let report = slow::run(&mut team, &[LinkProfile::two_g()], 3, SEED).unwrap();
    assert_eq!(report.links.len(), 1);
    let two_g = &report.links[0];
    assert_eq!(two_g.link, LinkProfile::two_g());
    let sync = &two_g.day.sync;
    assert_eq!(two_g.day.visits, 3);
    // The three visits went up the link; only the acks came down.
    assert_eq!(two_g.day.applied, 0, "{two_g:?}");
    assert!(sync.traffic.bytes_down < 200, "{sync:?}");
    assert!(sync.traffic.requests("sync").count >= 1, "{sync:?}");
    assert!(sync.traffic.bytes_up >= two_g.day.floor_bytes, "{sync:?}");
    // The hub's wire tap, behind the link, saw every byte of the bodies.
    assert!(sync.wire.up > sync.traffic.bytes_up, "{sync:?}");
    assert!(sync.wire.down > sync.traffic.bytes_down, "{sync:?}");
    assert!(two_g.up_seconds > 0.0 && two_g.down_seconds > 0.0, "{two_g:?}");
    assert!(report.to_string().contains("Scenario 5"));
}

#[test]
fn devices_sync_under_load_without_errors() {
    let params = LoadParams {
        devices: 5,
        duration: std::time::Duration::from_secs(3),
        team_size: 3,
        edit_every: 2,
        kdf: KDF,
        rate_limit: RateLimit {
            per_second: 1_000.0,
            burst: 1_000,
        },
        seed: SEED,
    };
    let hub = HubProgram::carnet_bench(std::path::Path::new(env!("CARGO_BIN_EXE_carnet-bench")));
    let report = load::run(&params, &hub).unwrap();
    assert_eq!(report.errors, 0, "{:?}", report.error_samples);
    assert_eq!(report.teams, 2);
    assert!(report.syncs >= 5, "{report:?}");
    assert_eq!(report.sync_latency.count as u64, report.syncs);
    assert!(report.requests >= report.syncs, "{report:?}");
    assert!(report.bytes_up > 0 && report.bytes_down > 0, "{report:?}");
    // Every other sync pushed a visit; teammates pulled them.
    assert!(report.syncs_with_edit > 0, "{report:?}");
    assert!(report.entries_applied > 0, "{report:?}");
    // The hub ran in its own process, whose memory could be read.
    assert!(
        report.hub_usage.peak_bytes.unwrap_or(0) > 0,
        "{:?}",
        report.hub_usage
    );
    assert!(report.to_string().contains("Scenario 6"));
}
