/**
 * What the user types into "Enter address…", turned into a target string the language server
 * accepts (`heapscope.attach {target}`).
 *
 * The server validates again; parsing here too means a typo gets a precise message in the
 * input box while the user is still typing, and a remote host is refused before anything
 * connects to it (an inspector gives full control of the process behind it).
 */

export type ParsedAddress =
  | { ok: true; target: string; host: string; display: string }
  | { ok: false; error: string };

const HOST_PORT = /^(?:\[(?<ipv6>[0-9A-Fa-f:.]+)\]|(?<host>[^:/\s[\]]+))?:(?<port>\d{1,5})$/;
const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost']);

export const ADDRESS_EXAMPLES = '127.0.0.1:9229, 9229, ws://127.0.0.1:9229/<id> or pid:1234';

/** Literal loopback addresses and `localhost`; names are not resolved (DNS may lie or hang). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK_NAMES.has(bare)) {
    return true;
  }
  if (/^127(?:\.\d{1,3}){3}$/.test(bare)) {
    return bare.split('.').every((part) => Number(part) <= 255);
  }
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1' || /^::ffff:127(?:\.\d{1,3}){3}$/.test(bare);
}

function portError(port: number): string | undefined {
  return port >= 1 && port <= 65535 ? undefined : `Port ${port} is out of range (1–65535).`;
}

function hostPort(host: string, port: number): ParsedAddress {
  const error = portError(port);
  if (error) {
    return { ok: false, error };
  }
  const shown = host.includes(':') ? `[${host}]` : host;
  return { ok: true, target: `${shown}:${port}`, host, display: `${shown}:${port}` };
}

function fromUrl(text: string, scheme: 'ws' | 'wss' | 'js-debug'): ParsedAddress {
  let url: URL;
  try {
    url = new URL(scheme === 'js-debug' ? `ws://${text.slice('js-debug://'.length)}` : text);
  } catch {
    return { ok: false, error: `"${text}" is not a valid ${scheme}:// address.` };
  }
  if (!url.hostname || !url.port) {
    return { ok: false, error: `"${text}" needs a host and a port, e.g. ws://127.0.0.1:9229/<id>.` };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { ok: true, target: text, host, display: `${url.hostname}:${url.port}` };
}

/** The `ws=` parameter of a `devtools://…` or `chrome-devtools://…` link, as a websocket URL. */
function fromDevtoolsLink(text: string): ParsedAddress | undefined {
  const match = /[?&](wss?)=([^&#\s]+)/.exec(text);
  if (!match) {
    return undefined;
  }
  return fromUrl(`${match[1]}://${decodeURIComponent(match[2])}`, match[1] as 'ws' | 'wss');
}

function fromProxyJson(text: string): ParsedAddress {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'The CDP proxy address is not valid JSON; expected {"host": …, "port": …}.' };
  }
  const record = value as { host?: unknown; port?: unknown } | null;
  const port = Number(record?.port);
  if (typeof record?.host !== 'string' || !Number.isInteger(port)) {
    return { ok: false, error: 'The CDP proxy address needs a "host" string and a "port" number.' };
  }
  const error = portError(port);
  return error ? { ok: false, error } : { ok: true, target: text, host: record.host, display: `${record.host}:${port}` };
}

/** Parse one address; `ok: false` carries a sentence fit for the input box's validation message. */
export function parseAddress(input: string): ParsedAddress {
  const text = input.trim();
  if (!text) {
    return { ok: false, error: `Enter an inspector address, e.g. ${ADDRESS_EXAMPLES}.` };
  }
  const pid = /^pid[:\s]\s*(\d+)$/i.exec(text);
  if (pid) {
    const value = Number(pid[1]);
    return value > 0
      ? { ok: true, target: String(value), host: '127.0.0.1', display: `process ${value}` }
      : { ok: false, error: 'A process id must be a positive number.' };
  }
  if (/^\d+$/.test(text)) {
    return hostPort('127.0.0.1', Number(text));
  }
  if (text.startsWith('{')) {
    return fromProxyJson(text);
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'ws' || scheme === 'wss') {
    return fromUrl(text, scheme);
  }
  if (scheme === 'js-debug') {
    return fromUrl(text, 'js-debug');
  }
  if (scheme === 'devtools' || scheme === 'chrome-devtools') {
    return fromDevtoolsLink(text) ?? { ok: false, error: 'That DevTools link has no ws= parameter to attach to.' };
  }
  if (scheme === 'http' || scheme === 'https') {
    try {
      const url = new URL(text);
      if (url.port) {
        return hostPort(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port));
      }
    } catch {
      // fall through to the error below
    }
    return { ok: false, error: `"${text}" needs a port, e.g. http://127.0.0.1:9229.` };
  }
  if (scheme) {
    return { ok: false, error: `Heapscope cannot attach through ${scheme}://; use ws://, HOST:PORT or a process id.` };
  }
  const match = HOST_PORT.exec(text);
  if (match?.groups) {
    const host = match.groups.ipv6 ?? match.groups.host ?? '127.0.0.1';
    return hostPort(host, Number(match.groups.port));
  }
  return { ok: false, error: `"${text}" is not an inspector address; expected ${ADDRESS_EXAMPLES}.` };
}

/**
 * Parse and check the host against the remote-host setting: the message names the setting so
 * the user knows both why and how to change it.
 */
export function checkAddress(input: string, allowRemoteHosts: boolean): ParsedAddress {
  const parsed = parseAddress(input);
  if (parsed.ok && !allowRemoteHosts && !isLoopbackHost(parsed.host)) {
    return {
      ok: false,
      error:
        `${parsed.host} is not this machine; attaching to a remote inspector gives control of that process, ` +
        'so it needs the setting heapscope.allowRemoteHosts.',
    };
  }
  return parsed;
}
