// Dark or light, remembered in localStorage (the only thing the dashboard keeps there).
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

export type Theme = 'dark' | 'light';
const StorageKey = 'openclaw.theme';

function initial(): Theme {
  try {
    const stored = localStorage.getItem(StorageKey);
    if (stored === 'dark' || stored === 'light') return stored;
  } catch {
    // ignore
  }
  return window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

/** The colour theme. */
export const useThemeStore = defineStore('theme', () => {
  const theme = ref<Theme>(initial());
  const apply = (value: Theme) => {
    document.documentElement.dataset.theme = value;
  };
  apply(theme.value);
  watch(theme, (value) => {
    apply(value);
    try {
      localStorage.setItem(StorageKey, value);
    } catch {
      // ignore
    }
  });
  function toggle(): void {
    theme.value = theme.value === 'dark' ? 'light' : 'dark';
  }
  return { theme, toggle };
});
