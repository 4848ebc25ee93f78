// GameStream replies are small XML documents: `<root status_code="200">`
// around a few leaf elements (and, for the app list and display modes, one
// level of repeated groups). They are built here from plain data, escaped,
// with no XML library. The reader below is for this project's own test
// client and tests: it understands exactly what the builder writes.

/** A leaf `<name>text</name>`, or a group `<name>children</name>`. */
export type XmlNode = readonly [name: string, content: string | number | readonly XmlNode[]];

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(text: string): string {
  // Control characters other than tab/newline are not allowed in XML 1.0 at all.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  return text.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function renderNode([name, content]: XmlNode): string {
  if (!NAME.test(name)) throw new Error(`not an XML element name: '${name}'`);
  const inner = typeof content === 'object' ? content.map(renderNode).join('') : escapeXml(String(content));
  return `<${name}>${inner}</${name}>`;
}

/** A successful reply: status_code 200 and the given elements. */
export function xmlReply(children: readonly XmlNode[]): string {
  return `${XML_DECLARATION}\n<root status_code="200">${children.map(renderNode).join('')}</root>\n`;
}

/**
 * An error reply. Clients read `status_code` (anything but 200 fails the
 * request) and show `status_message` to the user, so it says what was wrong.
 */
export function xmlError(statusCode: number, message: string): string {
  return `${XML_DECLARATION}\n<root status_code="${statusCode}" status_message="${escapeXml(message)}"/>\n`;
}

export interface ParsedXmlReply {
  statusCode: number;
  statusMessage: string | null;
  /** Text of every leaf element, by name, in document order (repeated names give several). */
  leaves: Map<string, string[]>;
  /** Each repeated group by name (e.g. `App`), as its leaves. */
  groups: Map<string, Map<string, string>[]>;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITY[name] ?? '');
}

export class XmlReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlReplyError';
  }
}

function attribute(attrs: string, name: string): string | null {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(attrs);
  return match?.[1] === undefined ? null : unescapeXml(match[1]);
}

function leavesOf(xml: string): [string, string][] {
  return [...xml.matchAll(/<([A-Za-z_][\w.-]*)>([^<]*)<\/\1>/g)].map((m) => [
    m[1] ?? '',
    unescapeXml(m[2] ?? ''),
  ]);
}

/** Reads a reply of the shape xmlReply/xmlError produce. */
export function parseXmlReply(text: string): ParsedXmlReply {
  const root = /<root\b([^>]*?)(\/>|>([\s\S]*)<\/root>)/.exec(text);
  if (!root) throw new XmlReplyError('no <root> element in the reply');
  const attrs = root[1] ?? '';
  const statusCode = Number(attribute(attrs, 'status_code'));
  if (!Number.isInteger(statusCode)) throw new XmlReplyError('the reply has no numeric status_code');
  const body = root[3] ?? '';
  const leaves = new Map<string, string[]>();
  for (const [name, value] of leavesOf(body)) leaves.set(name, [...(leaves.get(name) ?? []), value]);
  const groups = new Map<string, Map<string, string>[]>();
  for (const m of body.matchAll(/<([A-Za-z_][\w.-]*)>((?:<[A-Za-z_][\w.-]*>[^<]*<\/[^>]+>)+)<\/\1>/g)) {
    const name = m[1] ?? '';
    groups.set(name, [...(groups.get(name) ?? []), new Map(leavesOf(m[2] ?? ''))]);
  }
  return { statusCode, statusMessage: attribute(attrs, 'status_message'), leaves, groups };
}

/** The first text of a leaf, or null. */
export function leaf(reply: ParsedXmlReply, name: string): string | null {
  return reply.leaves.get(name)?.[0] ?? null;
}
