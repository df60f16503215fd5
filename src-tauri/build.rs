//! Tauri's build step: checks the capabilities against the app's commands
//! and embeds the built UI. The UI must be built first (`ui/dist`).

/// Declares `COMMANDS`: every command the screens may call; each becomes a
/// permission `allow-<command>` that `capabilities/main.json` grants to the
/// main window. The list is `src/command_names.rs`, which `src/main.rs`
/// turns into the commands themselves.
macro_rules! with_commands {
    ($($name:ident),* $(,)?) => {
        const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

include!("src/command_names.rs");

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
