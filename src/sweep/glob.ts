/**
 * --exclude GLOB: `*` is any run of characters but `/`, `**` any run including `/`, `?` one character, `[abc]` a class.
 * A glob without a slash is tested against each file or folder name (`*.log`, `node_modules`); one with a slash
 * against the whole path, which may end anywhere below a matching folder (`cache/**`, `/var/www/uploads`).
 */

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
        if (glob[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        re += body.startsWith('!') ? `[^${body.slice(1)}]` : `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return glob.includes('/') ? new RegExp(`(^|/)${re.replace(/^\\?\//, '')}(/|$)`) : new RegExp(`^${re}$`);
}

/** A predicate for walkInputs' `exclude`: true when any glob matches the path (or, for slash-less globs, its name). */
export function excludeMatcher(globs: readonly string[]): ((path: string) => boolean) | undefined {
  if (globs.length === 0) return undefined;
  const byName = globs.filter((g) => !g.includes('/')).map(globToRegExp);
  const byPath = globs.filter((g) => g.includes('/')).map(globToRegExp);
  return (path: string) => {
    const p = path.replace(/\\/g, '/');
    const name = p.slice(p.lastIndexOf('/') + 1);
    return byName.some((r) => r.test(name)) || byPath.some((r) => r.test(p));
  };
}
