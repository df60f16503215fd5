// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings

/**
 * A CSV table ready to save (`export_csv`).
 */
export type CsvFile = {
/**
 * A file name to offer (`carnet-visites-2026-11-30.csv`).
 */
file_name: string,
/**
 * The file's text: UTF-8 with its byte order mark, CRLF line ends.
 */
text: string,
/**
 * Rows, the header not counted.
 */
rows: number, };
