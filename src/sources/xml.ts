/**
 * A small, tolerant XML reader for event exports: elements, attributes, text, CDATA, the five named entities and
 * numeric character references; comments, processing instructions and doctypes are skipped. Names lose their
 * namespace prefix (`e:Event` → `Event`), which is all Windows event XML needs. It never throws: a malformed
 * document gives the elements read so far, and `error` says what went wrong and where.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (not its children's), entities decoded. */
  text: string;
}

export interface XmlParse {
  root: XmlElement | undefined;
  error: string | undefined;
}

const MAX_DEPTH = 64;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decode `&lt;` `&#65;` `&#x41;`; an unknown or broken reference stays as written. */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/g, (whole, ref: string) => {
    if (ref.charCodeAt(0) === 35 /* # */) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref] ?? whole;
  });
}

const localName = (qname: string) => {
  const c = qname.indexOf(':');
  return c < 0 ? qname : qname.slice(c + 1);
};

const NAME_RE = /[^\s/>=]+/y;
const ATTR_RE = /\s*([^\s/>=]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/y;

/** Parse the first element of `text` (with everything inside it). */
export function parseXml(text: string): XmlParse {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const n = text.length;
  const fail = (msg: string): XmlParse => ({ root, error: `${msg} at character ${i}` });

  while (i < n) {
    const lt = text.indexOf('<', i);
    const top = stack[stack.length - 1];
    if (lt < 0) {
      if (top) top.text += decodeEntities(text.slice(i));
      break;
    }
    if (lt > i && top) top.text += decodeEntities(text.slice(i, lt));
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) return fail('unclosed comment');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      if (end < 0) return fail('unclosed CDATA section');
      if (top) top.text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) return fail('unclosed processing instruction');
      i = end + 2;
    } else if (text.startsWith('<!', i)) {
      const end = text.indexOf('>', i + 2);
      if (end < 0) return fail('unclosed declaration');
      i = end + 1;
    } else if (text.charCodeAt(i + 1) === 47 /* / */) {
      const end = text.indexOf('>', i + 2);
      if (end < 0) return fail('unclosed end tag');
      const name = localName(text.slice(i + 2, end).trim());
      i = end + 1;
      // Tolerate a missing end tag: close up to the element this one names, if it is open.
      let k = stack.length - 1;
      while (k >= 0 && stack[k]!.name !== name) k--;
      if (k < 0) continue;
      stack.length = k;
      if (k === 0) return { root, error: undefined };
    } else {
      NAME_RE.lastIndex = i + 1;
      const nm = NAME_RE.exec(text);
      if (!nm) return fail('bad start tag');
      const el: XmlElement = { name: localName(nm[0]), attrs: {}, children: [], text: '' };
      i = NAME_RE.lastIndex;
      let selfClosing = false;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 62 /* > */) {
          i++;
          break;
        }
        if (c === 47 /* / */ && text.charCodeAt(i + 1) === 62) {
          selfClosing = true;
          i += 2;
          break;
        }
        ATTR_RE.lastIndex = i;
        const a = ATTR_RE.exec(text);
        if (!a || ATTR_RE.lastIndex === i) {
          i++;
          continue;
        }
        const value = a[2] ?? a[3] ?? a[4] ?? '';
        el.attrs[localName(a[1]!)] = decodeEntities(value);
        i = ATTR_RE.lastIndex;
      }
      if (top) top.children.push(el);
      else if (!root) root = el;
      else return { root, error: undefined };
      if (!selfClosing) {
        if (stack.length >= MAX_DEPTH) return fail(`elements nested deeper than ${MAX_DEPTH}`);
        stack.push(el);
      } else if (stack.length === 0) return { root, error: undefined };
    }
  }
  return { root, error: stack.length ? `document ends inside <${stack[stack.length - 1]!.name}>` : root ? undefined : 'no element' };
}
