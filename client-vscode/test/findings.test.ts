import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFindingsTree, emptyReportMessage, findingsAt, growthText, kindLabel, locationLabel, parseReport, reportStatus, useKindWords } from '../src/logic/findings';

// The words a server announces in its initialize result (the server test checks the real ones).
const SERVER_WORDS = {
  'event-listener': { label: 'Event listeners', singular: 'listener', plural: 'listeners' },
  collection: { label: 'Collection', singular: 'entry', plural: 'entries' },
  timer: { label: 'Timers', singular: 'timer', plural: 'timers' },
};
useKindWords(SERVER_WORDS);

const report = {
  version: 1,
  snapshots: ['/w/.heapscope/snapshots/1.heapsnapshot', '/w/.heapscope/snapshots/2.heapsnapshot', '/w/.heapscope/snapshots/3.heapsnapshot'],
  findings: [
    {
      id: 'F1',
      kind: 'event-listener',
      severity: 'error',
      message: "+1,200 'leak' listeners on EventEmitter",
      title: "'leak' listeners on EventEmitter",
      location: { path: '/w/src/app.js', line: 12, column: 3 },
      growth: { count: [10, 610, 1210], retained_bytes: [100_000, 4_900_000, 9_700_000] },
      retainer_path: [
        { node: '(GC roots)', edge: '', location: null },
        { node: 'EventEmitter', edge: 'emitter', location: { path: '/w/src/app.js', line: 4, column: 7 } },
        { node: 'Array', edge: '_events', location: null },
      ],
      fix_hint: 'Remove the listener when done (emitter.off).',
      allocation_site: null,
    },
    { id: 'F2', kind: 'timer', severity: 'warning', message: 'timers pile up', title: '', location: null, growth: {}, retainer_path: [], fix_hint: '' },
    { kind: 'broken' },
  ],
  notes: ['Snapshots were taken 1.5 s apart.'],
};

describe('parseReport', () => {
  it('reads the findings and drops entries without an id', () => {
    const parsed = parseReport(report)!;
    assert.deepEqual(parsed.findings.map((f) => f.id), ['F1', 'F2']);
    assert.deepEqual(parsed.findings[1].growth, { count: [], retained_bytes: [] });
    assert.equal(parsed.findings[0].retainer_path[1].location?.line, 4);
  });

  it('refuses what is not a report', () => {
    assert.equal(parseReport(null), undefined);
    assert.equal(parseReport({ findings: 'no' }), undefined);
  });
});

describe('buildFindingsTree', () => {
  const rows = buildFindingsTree(parseReport(report), '/w');

  it('leads with file:line, then the totals and growth; kind, message and fix in the tooltip', () => {
    const [first, second] = rows;
    assert.equal(first.label, 'src/app.js:12');
    assert.equal(first.description, '1,210 listeners (+1,200) · 9.7 MB retained (+9.6 MB)');
    assert.equal(
      first.tooltip,
      "Event listeners: 'leak' listeners on EventEmitter\n\n+1,200 'leak' listeners on EventEmitter\n\n" +
        '1,210 listeners (+1,200) · 9.7 MB retained (+9.6 MB)\n\nFix: Remove the listener when done (emitter.off).',
    );
    assert.equal(first.icon, 'error');
    assert.equal(first.contextValue, 'finding');
    assert.deepEqual(first.location, { path: '/w/src/app.js', line: 12, column: 3 });
    // Without a place, the kind leads.
    assert.equal(second.label, 'Timers');
    assert.equal(second.description, '');
    assert.equal(second.tooltip, 'Timers: timers pile up');
    assert.equal(second.location, undefined);
  });

  it('lists the retainer path and the fix hint under a finding; hops with a place can be opened', () => {
    const [pathRow, hint] = rows[0].children;
    assert.equal(pathRow.label, 'Retained by');
    assert.deepEqual(pathRow.children.map((hop) => hop.label), ['(GC roots)', '.emitter → EventEmitter', '._events → Array']);
    assert.equal(pathRow.children[1].description, 'src/app.js:4');
    assert.equal(pathRow.children[1].location?.line, 4);
    assert.equal(pathRow.children[0].location, undefined);
    assert.equal(hint.label, 'Remove the listener when done (emitter.off).');
  });

  it('adds the notes at the end and says so when nothing leaks', () => {
    assert.equal(rows[rows.length - 1].label, 'Snapshots were taken 1.5 s apart.');
    const empty = buildFindingsTree({ findings: [], snapshots: ['a', 'b', 'c'] });
    assert.deepEqual(empty.map((row) => [row.label, row.description]), [['No leak found', '3 snapshots compared']]);
    assert.deepEqual(buildFindingsTree(undefined), []);
  });

  it('gives every row a unique id (VS Code requires it)', () => {
    const ids: string[] = [];
    const walk = (list: typeof rows): void => list.forEach((row) => (ids.push(row.id), walk(row.children)));
    walk(rows);
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('helpers', () => {
  it('labels locations relative to the workspace, else by file name', () => {
    assert.equal(locationLabel({ path: '/w/a/b.js', line: 3, column: 1 }, '/w'), 'a/b.js:3');
    assert.equal(locationLabel({ path: '/elsewhere/b.js', line: 3, column: 1 }, '/w'), 'b.js:3');
    assert.equal(locationLabel(null), 'unknown location');
  });

  it('writes totals with their growth (last minus first), signed, as the server does', () => {
    const finding = parseReport(report)!.findings[0];
    // The same finding's numbers in tests/lsp/test_translate.py give the same text.
    assert.equal(growthText(finding), '1,210 listeners (+1,200) · 9.7 MB retained (+9.6 MB)');
    assert.equal(
      growthText({ ...finding, growth: { count: [5, 3], retained_bytes: [2_000_000, 1_500_000] } }),
      '3 listeners (-2) · 1.5 MB retained (−500.0 kB)',
    );
    assert.equal(growthText({ ...finding, growth: { count: [1, 1], retained_bytes: [100, 100] } }), '1 listener (+0) · 100 B retained (±0 B)');
    assert.equal(growthText({ ...finding, kind: 'collection', growth: { count: [4], retained_bytes: [] } }), '4 entries (+4)');
  });

  it('names kinds with the words the server announced, and a kind it did not name by its name', () => {
    const finding = parseReport(report)!.findings[0];
    assert.equal(kindLabel('event-listener'), 'Event listeners');
    assert.equal(kindLabel('third-party'), 'Third party');
    assert.equal(growthText({ ...finding, kind: 'third-party', growth: { count: [1, 2], retained_bytes: [] } }), '2 objects (+1)');
    useKindWords({ 'third-party': { label: 'In a package', singular: 'thing', plural: 'things' }, broken: { label: 3 } });
    try {
      assert.equal(kindLabel('third-party'), 'In a package');
      assert.equal(kindLabel('broken'), 'Broken');
      assert.equal(growthText({ ...finding, kind: 'third-party', growth: { count: [1, 2], retained_bytes: [] } }), '2 things (+1)');
    } finally {
      useKindWords(SERVER_WORDS);
    }
  });

  it('finds the findings on a line', () => {
    const parsed = parseReport(report);
    assert.deepEqual(findingsAt(parsed, '/w/src/app.js', 12).map((f) => f.id), ['F1']);
    assert.deepEqual(findingsAt(parsed, '/w/src/app.js', 13), []);
  });

  it('says in the status bar that a run is over, and in the Leaks view when it found nothing', () => {
    const parsed = parseReport(report)!;
    assert.equal(reportStatus(parsed), '$(warning) Heapscope found 2 leaks (Problems, Leaks view)');
    assert.equal(emptyReportMessage(parsed), undefined);
    const clean = parseReport({ ...report, findings: [] })!;
    assert.equal(reportStatus(clean), '$(check) Heapscope found no leak');
    assert.equal(emptyReportMessage(clean), 'No leak found: nothing kept growing across the 3 snapshots.');
    assert.equal(emptyReportMessage(undefined), undefined);
  });
});
