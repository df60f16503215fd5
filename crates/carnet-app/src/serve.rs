//! Browser mode: the built UI and the command API over HTTP on the loopback
//! interface only. Protected against other local users and web pages: the
//! page is opened with a random token in its address, and every API call
//! must carry it; the Host header must name this server (no DNS rebinding)
//! and an Origin, when sent, must be this server's.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use carnet_device::ApiError;
use rand::RngCore;
use serde_json::Value;
use tower_http::services::{ServeDir, ServeFile};

use crate::commands;
use crate::session::Session;

/// What the server shares between requests.
#[derive(Debug)]
pub struct Served {
    session: Mutex<Session>,
    token: String,
    /// `127.0.0.1:PORT` and `localhost:PORT`.
    hosts: [String; 2],
}

impl Served {
    /// The session, served at `addr`, with a fresh random token.
    #[must_use]
    pub fn new(session: Session, addr: SocketAddr) -> Self {
        let mut bytes = [0u8; 24];
        rand::rng().fill_bytes(&mut bytes);
        Self {
            session: Mutex::new(session),
            token: hex::encode(bytes),
            hosts: [
                format!("127.0.0.1:{}", addr.port()),
                format!("localhost:{}", addr.port()),
            ],
        }
    }

    /// The token the page must be opened with.
    #[must_use]
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Locks the session when it has not been used for its lock period.
    pub fn lock_if_idle(&self) -> bool {
        self.session
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .lock_if_idle()
    }
}

fn refuse(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = ApiError {
        kind: kind.into(),
        message: message.into(),
    };
    (status, axum::Json(body)).into_response()
}

/// Equal strings, compared in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Host and Origin checks for every request (pages and API alike).
async fn check_origin(State(served): State<Arc<Served>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !served.hosts.iter().any(|h| h == host) {
        return refuse(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this address is not Carnet's: open the address Carnet printed",
        );
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        if !served.hosts.iter().any(|h| origin == format!("http://{h}")) {
            return refuse(
                StatusCode::FORBIDDEN,
                "forbidden",
                "another web page cannot use Carnet",
            );
        }
    }
    next.run(request).await
}

fn status_of(kind: &str) -> StatusCode {
    match kind {
        "locked" | "wrong_passphrase" => StatusCode::UNAUTHORIZED,
        "not_found" | "unknown_command" => StatusCode::NOT_FOUND,
        "invalid_input" | "ambiguous" | "invalid_document" => StatusCode::BAD_REQUEST,
        "offline" => StatusCode::SERVICE_UNAVAILABLE,
        "refused" | "already_in_team" | "already_initialised" | "read_only" => StatusCode::CONFLICT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

async fn api(
    State(served): State<Arc<Served>>,
    Path(command): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token = headers
        .get("x-carnet-token")
        .and_then(|t| t.to_str().ok())
        .unwrap_or("");
    if !same(token, &served.token) {
        return refuse(
            StatusCode::FORBIDDEN,
            "forbidden",
            "open Carnet with the address it printed (the token is missing or wrong)",
        );
    }
    let input: Value = if body.is_empty() {
        Value::Object(serde_json::Map::new())
    } else {
        match serde_json::from_slice(&body) {
            Ok(value) => value,
            Err(e) => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    "invalid_input",
                    &format!("the request is not JSON ({e})"),
                );
            }
        }
    };
    // The device API is blocking (SQLite, Argon2, the hub for a join).
    let shared = Arc::clone(&served);
    let result = tokio::task::spawn_blocking(move || {
        let mut session = shared.session.lock().unwrap_or_else(PoisonError::into_inner);
        commands::call(&mut session, &command, input)
    })
    .await;
    match result {
        Ok(Ok(value)) => axum::Json(value).into_response(),
        Ok(Err(e)) => (status_of(&e.kind), axum::Json(e)).into_response(),
        Err(_) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the command stopped unexpectedly; your saved work is kept",
        ),
    }
}

/// The server's routes: `POST /api/<command>`, and the UI's files from `ui_dir`.
pub fn router(served: Arc<Served>, ui_dir: PathBuf) -> Router {
    let index = ui_dir.join("index.html");
    let files = ServeDir::new(&ui_dir).fallback(ServeFile::new(index));
    Router::new()
        .route("/api/{command}", post(api))
        .fallback_service(files)
        .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024))
        .layer(middleware::from_fn_with_state(Arc::clone(&served), check_origin))
        .with_state(served)
}

/// Serves until the process is asked to stop, locking the session when idle.
///
/// # Errors
/// When the address cannot be bound or is not a loopback address.
pub async fn serve(
    listener: tokio::net::TcpListener,
    served: Arc<Served>,
    ui_dir: PathBuf,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        return Err(std::io::Error::other(
            "browser mode listens on this computer only (127.0.0.1)",
        ));
    }
    let idle = Arc::clone(&served);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(15)).await;
            let served = Arc::clone(&idle);
            let _ = tokio::task::spawn_blocking(move || served.lock_if_idle()).await;
        }
    });
    axum::serve(listener, router(served, ui_dir))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

#[cfg(test)]
#[path = "serve_tests.rs"]
mod tests;
