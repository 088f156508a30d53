import { reasonInWords } from './reasons';

export interface HistoryItem {
  requestId: string;
  decision: 'granted' | 'denied';
  reasons: string[];
  requestedAt: string | null;
  decidedAt: string;
}

export interface HistoryPage {
  items: HistoryItem[];
  next: string | null;
}

export interface HistoryState {
  items: HistoryItem[];
  /** The cursor of the next page; null when the last page has been read. */
  next: string | null;
  loaded: boolean;
}

export const emptyHistory: HistoryState = { items: [], next: null, loaded: false };

/** Adds a page after the ones read, dropping any entry already shown. */
export function addPage(state: HistoryState, page: HistoryPage): HistoryState {
  const seen = new Set(state.items.map((i) => i.requestId));
  const fresh = page.items.filter((i) => !seen.has(i.requestId));
  return { items: [...state.items, ...fresh], next: page.next ?? null, loaded: true };
}

/**
 * Puts the newest page in front of the entries shown, keeping the older pages read and where the
 * next one starts. An entry already shown keeps its place.
 */
export function addNewest(state: HistoryState, page: HistoryPage): HistoryState {
  if (!state.loaded) return addPage(state, page);
  const seen = new Set(state.items.map((i) => i.requestId));
  const fresh = page.items.filter((i) => !seen.has(i.requestId));
  return { ...state, items: [...fresh, ...state.items] };
}

export const hasMore = (state: HistoryState): boolean => state.loaded && state.next !== null;

/** One line of the history: what happened, and why when the door stayed shut. */
export function historyLine(item: HistoryItem): string {
  if (item.decision === 'granted') return 'Granted';
  const why = item.reasons.map(reasonInWords).join(' ');
  return why ? `Denied: ${why}` : 'Denied';
}

export function historyWhen(item: HistoryItem): string {
  const at = new Date(item.requestedAt ?? item.decidedAt);
  if (Number.isNaN(at.getTime())) return '';
  return at.toLocaleString();
}
