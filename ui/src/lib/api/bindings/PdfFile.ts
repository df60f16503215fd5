// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * A PDF ready to save (`report_pdf`).
 */
export type PdfFile = {
/**
 * A file name to offer (`carnet-rapport-2026-11-01-2026-11-30.pdf`).
 */
file_name: string,
/**
 * The file, base64-encoded.
 */
base64: string,
/**
 * Its number of pages.
 */
pages: number, };
