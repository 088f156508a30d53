import {
  addNewest,
  addPage,
  emptyHistory,
  hasMore,
  historyLine,
  type HistoryItem,
} from './history';

const item = (id: string, decision: 'granted' | 'denied', reasons: string[] = []): HistoryItem => ({
  requestId: id,
  decision,
  reasons,
  requestedAt: '2026-12-04T10:00:00Z',
  decidedAt: '2026-12-04T10:00:01Z',
});

describe('my history', () => {
  it('adds pages in order, drops an entry seen twice, and knows when the last page is read', () => {
    const first = addPage(emptyHistory, {
      items: [item('a', 'granted'), item('b', 'denied')],
      next: 'b',
    });
    expect(hasMore(first)).toBe(true);
    const second = addPage(first, {
      items: [item('b', 'denied'), item('c', 'granted')],
      next: null,
    });
    expect(second.items.map((i) => i.requestId)).toEqual(['a', 'b', 'c']);
    expect(hasMore(second)).toBe(false);
    expect(hasMore(emptyHistory)).toBe(false);
  });

  it('puts requests decided since in front, keeping the pages read and the next cursor', () => {
    const shown = addPage(emptyHistory, {
      items: [item('b', 'denied'), item('c', 'granted')],
      next: 'c',
    });
    const newer = addNewest(shown, {
      items: [item('a', 'granted'), item('b', 'denied')],
      next: 'b',
    });
    expect(newer.items.map((i) => i.requestId)).toEqual(['a', 'b', 'c']);
    expect(newer.next).toBe('c');
    expect(addNewest(emptyHistory, { items: [item('a', 'granted')], next: null })).toEqual(
      addPage(emptyHistory, { items: [item('a', 'granted')], next: null }),
    );
  });

  it('says why a door stayed shut', () => {
    expect(historyLine(item('a', 'granted'))).toBe('Granted');
    expect(historyLine(item('b', 'denied', ['lockdown']))).toBe('Denied: The room is locked down.');
    expect(historyLine(item('c', 'denied'))).toBe('Denied');
  });
});
