/**
 * The external variables THOR and Loki give YARA rules, so rule sets written for them (signature-base) compile and
 * behave the same here: `filename` (base name), `filepath` (full path), `extension` (lower case, with its dot, as
 * Loki's os.path.splitext gives it), `filetype` (THOR's upper-case type names, from magic bytes first and the
 * extension for scripts) and `owner` (the owning account's name, or its uid when unknown).
 */
import { basename, extname } from 'node:path';

export const EXTERNALS = ['filename', 'filepath', 'extension', 'filetype', 'owner'] as const;
export type Externals = Record<(typeof EXTERNALS)[number], string>;

/** Magic bytes at offset 0 → THOR file type. */
const MAGIC: [number[], string][] = [
  [[0x4d, 0x5a], 'EXE'],
  [[0x7f, 0x45, 0x4c, 0x46], 'ELF'],
  [[0xcf, 0xfa, 0xed, 0xfe], 'MACH-O'],
  [[0xce, 0xfa, 0xed, 0xfe], 'MACH-O'],
  [[0xca, 0xfe, 0xba, 0xbe], 'JAVA'],
  [[0x25, 0x50, 0x44, 0x46], 'PDF'],
  [[0x50, 0x4b, 0x03, 0x04], 'ZIP'],
  [[0x7b, 0x5c, 0x72, 0x74, 0x66], 'RTF'],
  [[0x47, 0x49, 0x46, 0x38], 'GIF'],
  [[0xff, 0xd8, 0xff], 'JPEG'],
  [[0x89, 0x50, 0x4e, 0x47], 'PNG'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'OFFICE'],
  [[0x4d, 0x44, 0x4d, 0x50], 'MDMP'],
  [[0x52, 0x61, 0x72, 0x21], 'RAR'],
];

const BY_EXTENSION: Record<string, string> = {
  '.php': 'PHP',
  '.phtml': 'PHP',
  '.php5': 'PHP',
  '.asp': 'ASP',
  '.aspx': 'ASP',
  '.ashx': 'ASP',
  '.asmx': 'ASP',
  '.jsp': 'JSP',
  '.jspx': 'JSP',
  '.vbs': 'VBS',
  '.bat': 'BATCH',
  '.cmd': 'BATCH',
  '.ps1': 'POWERSHELL',
  '.py': 'Python',
  '.sh': 'SHELL',
  '.jar': 'JAR',
};

export function fileTypeOf(path: string, bytes: Uint8Array): string {
  for (const [magic, type] of MAGIC) {
    if (bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)) return type;
  }
  return BY_EXTENSION[extname(path).toLowerCase()] ?? 'UNKNOWN';
}

export function externalsOf(path: string, bytes: Uint8Array, owner: string): Externals {
  return {
    filename: basename(path),
    filepath: path,
    extension: extname(path).toLowerCase(),
    filetype: fileTypeOf(path, bytes),
    owner,
  };
}

/** uid → account name from an /etc/passwd text (what Loki's pwd.getpwuid gives). */
export function accountsOf(passwd: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    const uid = Number(f[2]);
    if (f[0] && Number.isInteger(uid) && !out.has(uid)) out.set(uid, f[0]);
  }
  return out;
}
