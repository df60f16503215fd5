// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CommentId } from "./CommentId";

/**
 * A comment on the case file.
 */
export type Comment = {
/**
 * The comment.
 */
id: CommentId,
/**
 * Who wrote it.
 */
author: string,
/**
 * When.
 */
at: string,
/**
 * The text.
 */
text: string, };
