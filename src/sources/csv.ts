/**
 * One CSV record per call, the dialect Exchange and PowerShell write (RFC 4180: comma-separated, fields with commas,
 * quotes or line breaks quoted with `"`, quotes inside doubled). Lenient where real files are not: a quote in the
 * middle of an unquoted field is kept as a character, and text after a closing quote is kept too.
 */

export interface CsvSplit {
  fields: string[];
  /** True when the text ended inside a quoted field: the record continues on the next line. */
  open: boolean;
}

/** Split one record's text into fields. */
export function splitCsv(text: string): CsvSplit {
  // Most rows of most logs have no quote at all: String.split is several times faster than the scanner.
  if (text.indexOf('"') < 0) return { fields: text.split(','), open: false };
  const fields: string[] = [];
  const n = text.length;
  let i = 0;
  while (true) {
    if (i < n && text.charCodeAt(i) === 34 /* " */) {
      // Quoted field: up to the closing quote, "" standing for one quote.
      let value = '';
      let from = ++i;
      let closed = false;
      while (i < n) {
        const q = text.indexOf('"', i);
        if (q < 0) break;
        if (text.charCodeAt(q + 1) === 34) {
          value += text.slice(from, q + 1);
          i = from = q + 2;
          continue;
        }
        value += text.slice(from, q);
        i = q + 1;
        closed = true;
        break;
      }
      if (!closed) {
        fields.push(value + text.slice(from));
        return { fields, open: true };
      }
      // Anything between the closing quote and the next comma belongs to the same field.
      const comma = text.indexOf(',', i);
      if (comma < 0) {
        fields.push(value + text.slice(i));
        return { fields, open: false };
      }
      fields.push(value + text.slice(i, comma));
      i = comma + 1;
    } else {
      const comma = text.indexOf(',', i);
      if (comma < 0) {
        fields.push(text.slice(i));
        return { fields, open: false };
      }
      fields.push(text.slice(i, comma));
      i = comma + 1;
    }
  }
}
