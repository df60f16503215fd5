//! `carnet-tablet`: Carnet in its own window, for the tablet.
//!
//! A thin shell. Each command the screens invoke is handed, by name, to
//! [`carnet_app::commands::call`], the same list browser mode serves; the
//! notebook lives in the platform's app data directory; the sync status is
//! pushed to the page as `sync-status` events; the notebook locks itself
//! after a period without use. The page may call Carnet's commands and listen
//! to events, nothing else (see `capabilities/main.json`).

// No console window behind the app on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use carnet_app::{DEFAULT_LOCK_AFTER, Session, commands};
use carnet_device::ApiError;
use carnet_store::KdfParams;
use serde_json::{Value, json};
use tauri::{AppHandle, Emitter, Manager};

/// The event that carries the sync status line to the page.
const SYNC_STATUS_EVENT: &str = "sync-status";
/// How often the shell checks whether the notebook should lock itself.
const IDLE_CHECK: Duration = Duration::from_secs(15);

/// What the commands share: the session, and the last status sent.
struct Shell {
    session: Arc<Mutex<Session>>,
    last_status: Arc<Mutex<Option<Value>>>,
}

/// The status line now, when the session can say it.
fn current_status(session: &mut Session) -> Option<Value> {
    commands::call(session, "sync_status", json!({})).ok()
}

/// Sends `status` to the page unless it is the one sent last.
fn send_status(app: &AppHandle, last: &Mutex<Option<Value>>, status: Option<Value>) {
    let Some(status) = status else { return };
    let mut last = last.lock().unwrap_or_else(PoisonError::into_inner);
    if last.as_ref() == Some(&status) {
        return;
    }
    if let Err(e) = app.emit(SYNC_STATUS_EVENT, &status) {
        tracing::warn!("the sync status could not be sent to the page: {e}");
        return;
    }
    *last = Some(status);
}

/// Runs one command off the main thread (SQLite, Argon2 and a join's network
/// calls block), then sends the sync status if the command changed it.
async fn run(
    app: AppHandle,
    shell: &Shell,
    name: &'static str,
    args: Option<Value>,
) -> Result<Value, ApiError> {
    let session = Arc::clone(&shell.session);
    let done = tauri::async_runtime::spawn_blocking(move || {
        let mut session = session.lock().unwrap_or_else(PoisonError::into_inner);
        let result = commands::call(&mut session, name, args.unwrap_or_else(|| json!({})));
        (result, current_status(&mut session))
    })
    .await;
    let (result, status) = done.map_err(|_| ApiError {
        kind: "internal".into(),
        message: "the command stopped unexpectedly; your saved work is kept".into(),
    })?;
    send_status(&app, &shell.last_status, status);
    result
}

/// Declares one Tauri command per name of `command_names.rs`, each handing
/// its `args` to [`run`], and the list of names.
macro_rules! with_commands {
    ($($name:ident),* $(,)?) => {
        mod api {
            use super::{ApiError, AppHandle, Shell, Value, run};
            $(
                #[tauri::command]
                pub async fn $name(
                    app: AppHandle,
                    shell: tauri::State<'_, Shell>,
                    args: Option<Value>,
                ) -> Result<Value, ApiError> {
                    run(app, &shell, stringify!($name), args).await
                }
            )*
        }

        /// The commands the page may call (`build.rs` declares a permission
        /// for each, from the same list).
        #[cfg(test)]
        const COMMANDS: &[&str] = &[$(stringify!($name)),*];

        fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(api::$name),*]
        }
    };
}

include!("command_names.rs");

/// The notebook's directory: `CARNET_DIR` when set (the demo and the tests
/// use it), otherwise `notebook` in the platform's app data directory.
fn notebook_dir(app: &tauri::App) -> tauri::Result<PathBuf> {
    match std::env::var_os("CARNET_DIR") {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => Ok(app.path().app_data_dir()?.join("notebook")),
    }
}

/// Locks the notebook when it has not been used for its lock period, until
/// the app stops.
fn lock_when_idle(session: Weak<Mutex<Session>>) {
    std::thread::Builder::new()
        .name("carnet-idle-lock".into())
        .spawn(move || {
            while let Some(session) = session.upgrade() {
                session
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .lock_if_idle();
                drop(session);
                std::thread::sleep(IDLE_CHECK);
            }
        })
        .map_or_else(|e| tracing::error!("the idle lock could not start: {e}"), |_| ());
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = tauri::Builder::default()
        .invoke_handler(handler())
        .setup(|app| {
            let dir = notebook_dir(app)?;
            let session = Arc::new(Mutex::new(Session::new(
                &dir,
                KdfParams::DEVICE,
                DEFAULT_LOCK_AFTER,
            )));
            let last_status = Arc::new(Mutex::new(None));
            // Each change of the loop's line is sent with the pending count
            // read now. Weak: the loop lives inside the session.
            let (weak, last, handle) = (
                Arc::downgrade(&session),
                Arc::clone(&last_status),
                app.handle().clone(),
            );
            session
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .sync_loop()
                .on_change(move |_| {
                    if let Some(session) = weak.upgrade() {
                        let status =
                            current_status(&mut session.lock().unwrap_or_else(PoisonError::into_inner));
                        send_status(&handle, &last, status);
                    }
                });
            lock_when_idle(Arc::downgrade(&session));
            app.manage(Shell { session, last_status });
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Carnet could not start: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names the shell registers are the names the capability grants,
    /// and each is a real command.
    #[test]
    fn every_command_is_granted_and_known() {
        let capability: Value =
            serde_json::from_str(include_str!("../capabilities/main.json")).expect("capability JSON");
        let granted: Vec<&str> = capability["permissions"]
            .as_array()
            .expect("permissions")
            .iter()
            .filter_map(Value::as_str)
            .filter_map(|p| p.strip_prefix("allow-"))
            .collect();
        let dir = tempfile::tempdir().expect("temp dir");
        let mut session = Session::new(dir.path(), KdfParams::INSECURE_FOR_TESTS, DEFAULT_LOCK_AFTER);
        for name in COMMANDS {
            assert!(
                granted.contains(&name.replace('_', "-").as_str()),
                "{name} is not granted in capabilities/main.json"
            );
            let answer = commands::call(&mut session, name, json!({}));
            assert!(
                !matches!(&answer, Err(e) if e.kind == "unknown_command"),
                "{name} is not a command of carnet-app"
            );
        }
        assert_eq!(
            granted.len(),
            COMMANDS.len(),
            "the capability grants commands the shell does not have"
        );
        let unknown = commands::call(&mut session, "no_such_command", json!({}));
        assert!(matches!(unknown, Err(e) if e.kind == "unknown_command"));
    }
}
