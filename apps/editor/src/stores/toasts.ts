// Short messages at the bottom of the screen: refusals, saves, import errors.
import { ref } from 'vue';

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'success';
  text: string;
}

/** At most this many toasts show at once; a new one pushes the oldest out. */
const SHOWN = 5;

export function createToasts() {
  const toasts = ref<Toast[]>([]);
  let next = 1;

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }

  function notify(kind: Toast['kind'], text: string, ms = kind === 'error' ? 8000 : 3500): void {
    const id = next++;
    toasts.value = [...toasts.value.slice(-(SHOWN - 1)), { id, kind, text }];
    setTimeout(() => dismiss(id), ms);
  }

  return { toasts, notify, dismiss };
}

export type ToastStore = ReturnType<typeof createToasts>;
export type Notify = ToastStore['notify'];
