// Names people read (client, app, recording and host names): they must not
// hold characters that make text display other than it is stored. A
// right-to-left override can make "evil\u202Egpj.exe" read as "evilexe.jpg",
// and a client name could pass itself off as another in the console's list.
// Refused: C0 and C1 controls (line breaks only where a field allows them),
// the bidirectional marks, embeddings, overrides and isolates (U+061C,
// U+200E/F, U+202A-U+202E, U+2066-U+2069) and the line/paragraph separators.
// Other format characters stay: U+200D (zero-width joiner) builds emoji.

const UNSAFE = /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/**
 * Why `text` is no fit for a displayed name, or null when it is: names the
 * first offending character as U+XXXX. `allowLineBreaks` lets \n, \r and \t
 * through (a note).
 */
export function nameProblem(text: string, allowLineBreaks = false): string | null {
  const match = UNSAFE.exec(allowLineBreaks ? text.replace(/[\n\r\t]/g, ' ') : text);
  if (!match) return null;
  const code = (match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  return `contains U+${code}, a control or bidirectional formatting character`;
}
