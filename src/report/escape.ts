// Text in reports comes from hosts (file names, command output) and from users (titles,
// parameters): anything can be in it. XML 1.0 cannot carry most C0 controls, lone surrogates or
// U+FFFE/U+FFFF even as character references, so those are shown as visible \uXXXX escapes
// instead of being dropped (a report must not hide that a name had an escape byte in it).

const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function visibleControls(text: string): string {
  return text.replace(XML_INVALID, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Escapes for XML/HTML text content and double-quoted attribute values alike. */
export function escapeXml(value: unknown): string {
  return visibleControls(String(value ?? ''))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** For attribute values: also keeps newlines and tabs (an XML parser normalises raw ones to spaces). */
export function escapeAttr(value: unknown): string {
  return escapeXml(value).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** HTML text: &apos; is not an HTML 4 entity, so a numeric reference is used for the quote. */
export function escapeHtml(value: unknown): string {
  return escapeXml(value).replace(/&apos;/g, '&#39;');
}
