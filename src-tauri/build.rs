//! Tauri's build step: checks the capabilities against the app's commands
//! and embeds the built UI. The UI must be built first (`ui/dist`).

/// Every command the screens may call; each becomes a permission
/// `allow-<command>` that `capabilities/main.json` grants to the main window.
/// Must match `COMMANDS` in `src/main.rs` (a test checks it).
const COMMANDS: &[&str] = &[
    "session_state",
    "init",
    "unlock",
    "lock",
    "caseload",
    "communes",
    "case_show",
    "person_add",
    "person_update",
    "consent_record",
    "visit_add",
    "visit_edit",
    "visit_archive",
    "procedure_add",
    "procedure_set",
    "task_add",
    "task_done",
    "task_edit",
    "tasks_due",
    "sync_status",
    "sync_now",
    "team_join",
    "team_members",
    "settings_set",
    "review_since",
    "review_mark",
    "visit_review",
    "comment_add",
    "conflicts",
    "conflict_resolve",
    "history",
    "case_as_of",
    "stats",
    "export_csv",
    "retention",
    "case_archive",
    "report_pdf",
];

fn main() {
    println!("cargo:rerun-if-changed=../ui/dist");
    if !std::path::Path::new("../ui/dist/index.html").exists() {
        println!(
            "cargo:warning=the UI is not built: run `npm --prefix ui run build` before building the tablet app"
        );
        std::process::exit(1);
    }
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .unwrap_or_else(|e| {
        println!("cargo:warning=the tablet app's Tauri build step failed: {e:#}");
        std::process::exit(1);
    });
}
