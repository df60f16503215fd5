// Small form helpers shared by the screens.

import { tick } from 'svelte';

/** After a refused submit, moves the focus to the first field marked invalid. */
export async function focusFirstInvalid(form: HTMLElement | undefined): Promise<void> {
  await tick();
  form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
