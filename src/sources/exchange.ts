/**
 * What kind of Exchange log a file is, and what Exchange's structured values mean.
 *
 * Exchange 2013 and later write their text logs (HttpProxy, ECP, EWS, OAB generator, message tracking…) as CSV under
 * a header block: `#Software: Microsoft Exchange Server`, `#Version`, `#Log-type: <kind>`, `#Date`, `#Fields: a,b,c`.
 * The kind names the Sigma logsource service hardnut gives the rows (docs/sources.md):
 *
 * | `#Log-type`                  | logsource hint                                                  |
 * |------------------------------|-----------------------------------------------------------------|
 * | HttpProxy Logs               | product exchange, service httpproxy, category webserver         |
 * | ECP Server Log               | product exchange, service ecp-server                            |
 * | ECP Activity Context Log     | product exchange, service ecp-activity                          |
 * | OAB Generator… / OABGenerator| product exchange, service oab-generator                         |
 * | anything else                | product exchange, service = the kind in kebab case (`ews`, `message-tracking`) |
 *
 * Logs whose header block is missing (PowerShell exports such as Test-ProxyLogon's report, extracts) are placed by
 * their columns (an `AnchorMailbox` column means HttpProxy) and last by their folder or file name, which Exchange
 * fixes (`Logging\HttpProxy\<protocol>\`, `Logging\ECP\Server\`, `Logging\OABGeneratorLog\`).
 */
import type { LogsourceHint } from '../events/event.js';
import { normaliseName } from './webserver.js';

export type ExchangeService = 'httpproxy' | 'ecp-server' | 'ecp-activity' | 'oab-generator' | string;

/** `#Log-type` text → service. */
export function serviceOfLogType(logType: string): ExchangeService | undefined {
  const t = logType.trim();
  if (!t) return undefined;
  if (/http\s*proxy/i.test(t)) return 'httpproxy';
  if (/^ecp\s+server/i.test(t)) return 'ecp-server';
  if (/^ecp\s+activity/i.test(t)) return 'ecp-activity';
  if (/oab\s*gen/i.test(t)) return 'oab-generator';
  const slug = t
    .replace(/\s+logs?$/i, '')
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || undefined;
}

/** Columns that only HttpProxy rows have (normalised names). */
const HTTPPROXY_MARKERS = ['anchormailbox', 'routinghint', 'backendcookie', 'targetserver'];

/** Service from a header's column names, when they are distinctive. */
export function serviceOfColumns(names: readonly string[]): ExchangeService | undefined {
  const norm = new Set(names.map(normaliseName));
  if (HTTPPROXY_MARKERS.some((m) => norm.has(m)) && (norm.has('urlstem') || norm.has('anchormailbox'))) return 'httpproxy';
  return undefined;
}

/** Service from where Exchange keeps the file, for logs that lost their header block. */
export function serviceOfPath(path: string): ExchangeService | undefined {
  const p = path.replace(/\\/g, '/');
  if (/oabgenerator/i.test(p)) return 'oab-generator';
  if (/\/ecp\/server\//i.test(p) || /(^|\/)ecpserver[^/]*$/i.test(p)) return 'ecp-server';
  if (/\/ecp\/activity\//i.test(p) || /(^|\/)ecpactivity[^/]*$/i.test(p)) return 'ecp-activity';
  if (/\/httpproxy\//i.test(p) || /(^|\/)httpproxy_[^/]*$/i.test(p)) return 'httpproxy';
  return undefined;
}

const HINTS = new Map<string, LogsourceHint>();

/** The logsource hint of a service; HttpProxy rows are web requests too, so webserver rules see them as well. */
export function exchangeHint(service: ExchangeService | undefined): LogsourceHint {
  const key = service ?? '';
  let h = HINTS.get(key);
  if (!h) {
    h = Object.freeze(
      service === 'httpproxy'
        ? { product: 'exchange', service, category: 'webserver' }
        : service
          ? { product: 'exchange', service }
          : { product: 'exchange' },
    );
    HINTS.set(key, h);
  }
  return h;
}

/**
 * ECP's `EventData` is `S:KEY=value;I32:KEY=value;…`. Values may hold `;` themselves (a script planted in a URL does:
 * `…eval(Request["x"],"unsafe");}</script>`), so a pair ends only where the next `TYPE:KEY=` starts.
 */
const PAIR_START = /;(?=[A-Za-z][A-Za-z0-9]{0,5}:[^=;\s]{1,80}=)/;

export function parseEcpData(data: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of data.split(PAIR_START)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq);
    if (!/^[A-Za-z][A-Za-z0-9]{0,5}:/.test(key)) continue;
    pairs.push([key, part.slice(eq + 1)]);
  }
  return pairs;
}

/**
 * ECP writes a command as `Cmdlet.Param=value.Param=value` (`Set-OabVirtualDirectory.ExternalUrl='…'.Identity='…'`)
 * and pipelines as `Pipeline.N|Cmdlet…`: the cmdlet's name and the rest.
 */
export function splitEcpCommand(cmd: string): { cmdlet: string; parameters: string } | undefined {
  const m = /^(?:Pipeline\.\d+\|)?([A-Za-z]+-[A-Za-z0-9]+)\.?/.exec(cmd.replace(/^'+/, ''));
  if (!m) return undefined;
  return { cmdlet: m[1]!, parameters: cmd.replace(/^'+/, '').slice(m[0].length) };
}

/** `S:CMD=` anywhere in a line (a log extract without columns): the cmdlet it ran. */
export function cmdletInText(text: string): string | undefined {
  const m = /S:CMD=(?:Pipeline\.\d+\|)?([A-Za-z]+-[A-Za-z0-9]+)/.exec(text);
  return m ? m[1] : undefined;
}
