// Short messages at the bottom of the screen: refusals, saves, import errors.
import { ref } from 'vue';

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'success';
  text: string;
}

const toasts = ref<Toast[]>([]);
let next = 1;

export function notify(kind: Toast['kind'], text: string, ms = kind === 'error' ? 8000 : 3500): void {
  const id = next++;
  toasts.value = [...toasts.value.slice(-4), { id, kind, text }];
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number): void {
  toasts.value = toasts.value.filter((t) => t.id !== id);
}

export function useToasts() {
  return { toasts, notify, dismiss };
}
