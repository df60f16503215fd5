// Generated from Carnet's Rust types by ts-rs; do not edit. Regenerate: CARNET_WRITE_BINDINGS=1 cargo test -p carnet-app --test bindings
import type { CaseId } from "./CaseId";

/**
 * `comment_add`: a comment on a case file for its worker.
 */
export type CommentAddArgs = {
/**
 * The case file.
 */
case: CaseId,
/**
 * The comment.
 */
text: string, };
