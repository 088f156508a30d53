/** Colours with enough contrast for text on them (WCAG AA at body size). */
export const colors = {
  brand: '#0b3d91',
  onBrand: '#ffffff',
  text: '#111827',
  muted: '#4b5563',
  background: '#ffffff',
  surface: '#f3f4f6',
  border: '#9ca3af',
  granted: '#065f46',
  grantedBg: '#d1fae5',
  denied: '#991b1b',
  deniedBg: '#fee2e2',
  warningBg: '#fef3c7',
  warning: '#78350f',
};

export const space = { xs: 4, s: 8, m: 16, l: 24 };
export const font = { body: 17, small: 15, title: 24, big: 28 };
