// Saving a file the backend produced (a CSV export, the PDF report) where
// the browser or the Tauri web view puts downloads: a Blob behind a
// temporary `<a download>`. Nothing leaves the device.

/** MIME type of the CSV exports (their text starts with a byte order mark already). */
export const CSV_TYPE = 'text/csv;charset=utf-8';
/** MIME type of the PDF report. */
export const PDF_TYPE = 'application/pdf';

/**
 * The bytes of a base64 text (standard alphabet, padding optional, white
 * space ignored).
 *
 * @throws Error when the text is not base64.
 */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const clean = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) {
    throw new Error('not base64');
  }
  const binary = atob(clean.padEnd(Math.ceil(clean.length / 4) * 4, '='));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}

/** Offers `blob` for download as `fileName`. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; a later revoke keeps
  // slow web views from losing it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves a text file (a CSV export). */
export function saveText(text: string, fileName: string, type: string = CSV_TYPE): void {
  saveBlob(new Blob([text], { type }), fileName);
}

/** Saves a base64-encoded file (the PDF report). */
export function saveBase64(base64: string, fileName: string, type: string = PDF_TYPE): void {
  saveBlob(new Blob([base64ToBytes(base64)], { type }), fileName);
}
