/**
 * The leak report the server sends (`heapscope/findings` and the `findLeaks` result), typed,
 * and turned into the rows of the findings tree: one row per leak (kind, place, growth),
 * under it the retainer path and the fix hint. Rows are plain data; the view only maps them
 * to TreeItems.
 */
import * as path from 'node:path';
import { formatBytes, formatCount } from './format';

export interface SourceLocation {
  /** Absolute path. */
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface RetainerHop {
  node: string;
  edge: string;
  location: SourceLocation | null;
}

export interface Finding {
  id: string;
  kind: string;
  severity: string;
  message: string;
  title: string;
  location: SourceLocation | null;
  growth: { count: number[]; retained_bytes: number[] };
  retainer_path: RetainerHop[];
  fix_hint: string;
  allocation_site?: SourceLocation | null;
}

export interface LeakReport {
  findings: Finding[];
  snapshots: string[];
  notes?: string[];
}

export interface FindingsRow {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** Codicon name. */
  icon?: string;
  location?: SourceLocation;
  /** `finding` rows get the "Show Retainers" context menu. */
  contextValue?: 'finding' | 'hop' | 'hint' | 'note';
  findingId?: string;
  children: FindingsRow[];
}

function location(value: unknown): SourceLocation | null {
  const record = value as Record<string, unknown> | null;
  if (!record || typeof record.path !== 'string' || typeof record.line !== 'number') {
    return null;
  }
  return { path: record.path, line: record.line, column: typeof record.column === 'number' ? record.column : 1 };
}

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number') : [];
}

function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

/** Read a report from untyped JSON; entries too broken to show are dropped, never thrown on. */
export function parseReport(value: unknown): LeakReport | undefined {
  const record = value as Record<string, unknown> | null;
  if (!record || typeof record !== 'object' || !Array.isArray(record.findings)) {
    return undefined;
  }
  const findings: Finding[] = [];
  for (const raw of record.findings as Record<string, unknown>[]) {
    if (!raw || typeof raw.id !== 'string' || typeof raw.kind !== 'string') {
      continue;
    }
    const growth = (raw.growth ?? {}) as Record<string, unknown>;
    findings.push({
      id: raw.id,
      kind: raw.kind,
      severity: text(raw.severity, 'information'),
      message: text(raw.message),
      title: text(raw.title),
      location: location(raw.location),
      growth: { count: numbers(growth.count), retained_bytes: numbers(growth.retained_bytes) },
      retainer_path: (Array.isArray(raw.retainer_path) ? raw.retainer_path : []).map((hop: Record<string, unknown>) => ({
        node: text(hop?.node, '?'),
        edge: text(hop?.edge),
        location: location(hop?.location),
      })),
      fix_hint: text(raw.fix_hint),
      allocation_site: location(raw.allocation_site),
    });
  }
  return {
    findings,
    snapshots: Array.isArray(record.snapshots) ? record.snapshots.filter((s): s is string => typeof s === 'string') : [],
    notes: Array.isArray(record.notes) ? record.notes.filter((s): s is string => typeof s === 'string') : [],
  };
}

/** Last minus first (the growth over the whole run), as the server computes it for lenses. */
export function growthOf(values: readonly number[]): number {
  return values.length >= 2 ? values[values.length - 1] - values[0] : (values[0] ?? 0);
}

/** `app.js:12`, relative to the workspace when inside it. */
export function locationLabel(where: SourceLocation | null | undefined, workspaceRoot?: string): string {
  if (!where) {
    return 'unknown location';
  }
  let shown = path.basename(where.path);
  if (workspaceRoot) {
    const relative = path.relative(workspaceRoot, where.path);
    if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) {
      shown = relative.split(path.sep).join('/');
    }
  }
  return `${shown}:${where.line}`;
}

/** What the Leaks view calls a leak kind and how it counts what grows, as the server words them. */
export interface KindWords {
  label: string;
  singular: string;
  plural: string;
}

let serverKindWords: Record<string, KindWords> = {};

/**
 * Takes the words the server announces in its initialize result
 * (`capabilities.experimental.heapscope.kinds`), so the view and the editor name kinds alike;
 * entries that are not three strings are ignored.
 */
export function useKindWords(announced: unknown): void {
  const words: Record<string, KindWords> = {};
  if (announced && typeof announced === 'object') {
    for (const [kind, value] of Object.entries(announced as Record<string, unknown>)) {
      const entry = value as Partial<KindWords> | null;
      if (entry && typeof entry.label === 'string' && typeof entry.singular === 'string' && typeof entry.plural === 'string') {
        words[kind] = { label: entry.label, singular: entry.singular, plural: entry.plural };
      }
    }
  }
  serverKindWords = words;
}

/** A kind the server did not name (an older or newer server) reads as its name and counts objects. */
function wordsFor(kind: string): KindWords {
  return (
    serverKindWords[kind] ?? {
      label: kind.replace(/[-_]/g, ' ').replace(/^./, (c) => c.toUpperCase()),
      singular: 'object',
      plural: 'objects',
    }
  );
}

export function kindLabel(kind: string): string {
  return wordsFor(kind).label;
}

const SEVERITY_ICONS: Record<string, string> = { error: 'error', warning: 'warning', information: 'info', hint: 'lightbulb' };

export function noun(kind: string, count: number): string {
  const words = wordsFor(kind);
  return Math.abs(count) === 1 ? words.singular : words.plural;
}

function signedCount(value: number): string {
  return `${value < 0 ? '-' : '+'}${formatCount(Math.abs(value))}`;
}

function signedBytes(value: number): string {
  return value > 0 ? `+${formatBytes(value)}` : value < 0 ? `−${formatBytes(-value)}` : '±0 B';
}

/**
 * Totals at the last snapshot, growth over the run: `34 listeners (+12) · 27.2 MB retained (+9.6 MB)`.
 * Word for word what the server's code lens and hover say (server/heapscope/lsp/translate.py
 * `growth_text`), so the Leaks view and the editor never disagree.
 */
export function growthText(finding: Finding): string {
  const parts: string[] = [];
  const counts = finding.growth.count;
  if (counts.length) {
    const total = counts[counts.length - 1];
    parts.push(`${formatCount(total)} ${noun(finding.kind, total)} (${signedCount(growthOf(counts))})`);
  }
  const sizes = finding.growth.retained_bytes;
  if (sizes.length) {
    parts.push(`${formatBytes(sizes[sizes.length - 1])} retained (${signedBytes(growthOf(sizes))})`);
  }
  return parts.join(' · ');
}

function hopRow(finding: Finding, hop: RetainerHop, index: number, workspaceRoot?: string): FindingsRow {
  const via = hop.edge ? `.${hop.edge} → ` : '';
  return {
    id: `${finding.id}/hop/${index}`,
    label: `${via}${hop.node}`,
    description: hop.location ? locationLabel(hop.location, workspaceRoot) : undefined,
    icon: hop.location ? 'symbol-reference' : 'symbol-field',
    location: hop.location ?? undefined,
    contextValue: 'hop',
    children: [],
  };
}

/** Tree rows for a report: most severe first, the order the server sorted them in. */
export function buildFindingsTree(report: LeakReport | undefined, workspaceRoot?: string): FindingsRow[] {
  if (!report) {
    return [];
  }
  const rows = report.findings.map((finding): FindingsRow => {
    const children: FindingsRow[] = [];
    if (finding.retainer_path.length) {
      children.push({
        id: `${finding.id}/path`,
        label: 'Retained by',
        icon: 'references',
        contextValue: 'hop',
        children: finding.retainer_path.map((hop, index) => hopRow(finding, hop, index, workspaceRoot)),
      });
    }
    if (finding.allocation_site) {
      children.push({
        id: `${finding.id}/alloc`,
        label: 'Allocated at',
        description: locationLabel(finding.allocation_site, workspaceRoot),
        icon: 'symbol-event',
        location: finding.allocation_site,
        contextValue: 'hop',
        children: [],
      });
    }
    if (finding.fix_hint) {
      children.push({ id: `${finding.id}/hint`, label: finding.fix_hint, icon: 'lightbulb', contextValue: 'hint', tooltip: finding.fix_hint, children: [] });
    }
    const growth = growthText(finding);
    // The row leads with the place (file:line, or the kind when there is none) and follows with
    // the lens's numbers, which name what grows ("63 listeners (+12)"): at a normal sidebar width
    // (about 40 characters) both stay visible. The kind, title, message and fix are in the tooltip.
    return {
      id: finding.id,
      label: finding.location ? locationLabel(finding.location, workspaceRoot) : kindLabel(finding.kind),
      description: growth,
      tooltip: [
        `${kindLabel(finding.kind)}: ${finding.title || finding.message}`,
        finding.title ? finding.message : '',
        growth,
        finding.fix_hint && `Fix: ${finding.fix_hint}`,
      ]
        .filter(Boolean)
        .join('\n\n'),
      icon: SEVERITY_ICONS[finding.severity] ?? 'circle-outline',
      location: finding.location ?? undefined,
      contextValue: 'finding',
      findingId: finding.id,
      children,
    };
  });
  if (!rows.length) {
    rows.push({ id: 'no-leak', label: 'No leak found', description: `${report.snapshots.length} snapshots compared`, icon: 'pass', contextValue: 'note', children: [] });
  }
  for (const [index, note] of (report.notes ?? []).entries()) {
    rows.push({ id: `note/${index}`, label: note, icon: 'note', tooltip: note, contextValue: 'note', children: [] });
  }
  return rows;
}

/** The findings whose leak site is on `line` (1-based) of `file`: "Show Retainers" at the cursor. */
export function findingsAt(report: LeakReport | undefined, file: string, line: number): Finding[] {
  return (report?.findings ?? []).filter((finding) => finding.location && path.resolve(finding.location.path) === path.resolve(file) && finding.location.line === line);
}

/**
 * One line for the status bar after an analysis the user started. The results themselves are
 * in the Problems panel, the lenses and the Leaks view; this only says the run is over.
 */
export function reportStatus(report: LeakReport): string {
  const leaks = report.findings.length;
  return leaks
    ? `$(warning) Heapscope found ${leaks} leak${leaks === 1 ? '' : 's'} (Problems, Leaks view)`
    : '$(check) Heapscope found no leak';
}

/** The Leaks view's message: after a run that found nothing, say so instead of the welcome text. */
export function emptyReportMessage(report: LeakReport | undefined): string | undefined {
  return report && !report.findings.length
    ? `No leak found: nothing kept growing across the ${report.snapshots.length} snapshots.`
    : undefined;
}
