/** Python literals and string formatting: string escapes, numbers, format specs, `%`. */
import type { Meter } from './budget';
import { INEXACT_INT, isNumber, repr, toStr, unknown, Value } from './values';

/** JS formats at most 100 digits after the point (toFixed throws past it). */
const MAX_PRECISION = 100;

/** The value of a (non-f) string literal token, prefixes and escapes handled. */
export function parseStringLiteral(text: string): string | null {
  const m = /^([rRbBuU]{0,2})('''|"""|'|")/.exec(text);
  if (!m) return null;
  const prefix = m[1].toLowerCase();
  if (prefix.includes('b')) return null;
  const quote = m[2];
  const body = text.slice(m[0].length, text.length - quote.length);
  return prefix.includes('r') || !body.includes('\\') ? body : unescape(body);
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

function unescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.|\n)/g, (_all, e: string) => {
    if (e[0] === 'x' || e[0] === 'u') return String.fromCharCode(parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? `\\${e}`;
  });
}

/** A Python number literal; complex literals are not modelled (null). */
export function parseNumber(text: string): Value | null {
  const t = text.replace(/_/g, '');
  if (/[jJ]$/.test(t)) return null;
  const radix = /^0[xX]/.test(t) ? 16 : /^0[oO]/.test(t) ? 8 : /^0[bB]/.test(t) ? 2 : /^\d+$/.test(t) ? 10 : 0;
  if (radix) {
    const v = radix === 10 ? Number(t) : parseInt(t.slice(2), radix);
    // Python ints are exact; a JS number past 2^53 is not, so the literal is unknown (never rounded).
    return Number.isSafeInteger(v) ? { t: 'int', v } : unknown(INEXACT_INT);
  }
  const f = Number(t);
  return Number.isNaN(f) ? null : { t: 'float', v: f };
}

/**
 * format(value, spec) for the specs people use in layer names: 02d, .3f, >4, s. Null when it
 * cannot be done, or the text (the padding included) would pass the allocation budget.
 */
export function formatWithSpec(v: Value, spec: string, meter: Meter): string | null {
  const m = /^(?:(.)?([<>^=]))?([+\- ])?(0)?(\d+)?(,)?(?:\.(\d+))?([bdeEfFgGosxX%])?$/.exec(spec);
  if (!m) return null;
  const [, fillChar, align, , zero, widthText, comma, precText, type] = m;
  if (precText !== undefined && Number(precText) > MAX_PRECISION) return null;
  let body: string;
  if (type && 'dbxXo'.includes(type)) {
    if (v.t !== 'int' && v.t !== 'bool') return null;
    const n = Number(v.v);
    const radix = type === 'x' || type === 'X' ? 16 : type === 'b' ? 2 : type === 'o' ? 8 : 10;
    body = Math.abs(n).toString(radix);
    if (type === 'X') body = body.toUpperCase();
    if (comma) body = body.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    if (n < 0) body = `-${body}`;
  } else if (type && 'fFeEgG%'.includes(type)) {
    if (!isNumber(v)) return null;
    const prec = precText === undefined ? 6 : Number(precText);
    if (type === '%') body = `${(v.v * 100).toFixed(prec)}%`;
    else if (type === 'e' || type === 'E') body = v.v.toExponential(prec);
    else if (type === 'g' || type === 'G') body = String(Number(v.v.toPrecision(prec || 1)));
    else body = v.v.toFixed(prec);
  } else {
    const text = toStr(v, meter);
    if (text === null) return null;
    body = text;
    if (precText !== undefined && v.t === 'str') body = body.slice(0, Number(precText));
    else if (precText !== undefined && isNumber(v)) body = v.v.toFixed(Number(precText));
  }
  const width = widthText ? Number(widthText) : 0;
  if (body.length >= width) return body;
  if (!meter.allocate(width)) return null;
  const numeric = v.t === 'int' || v.t === 'float';
  if (zero && !align) return (body.startsWith('-') ? '-' : '') + body.replace('-', '').padStart(width - (body.startsWith('-') ? 1 : 0), '0');
  const fill = fillChar ?? ' ';
  const how = align ?? (numeric ? '>' : '<');
  const gap = width - body.length;
  if (how === '<') return body + fill.repeat(gap);
  if (how === '^') return fill.repeat(Math.floor(gap / 2)) + body + fill.repeat(Math.ceil(gap / 2));
  return fill.repeat(gap) + body;
}

/** printf-style `fmt % args`; null when a conversion cannot be done or passes the allocation budget. */
export function percentFormat(fmt: string, arg: Value, meter: Meter): string | null {
  meter.work(fmt.length);
  const args = arg.t === 'tuple' ? arg.items : [arg];
  let i = 0;
  let failed = false;
  const out = fmt.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdirfeEgGxXo%])/g, (_all, flags: string, width?: string, prec?: string, conv?: string) => {
    if (conv === '%') return '%';
    const v = args[i++];
    if (!v) {
      failed = true;
      return '';
    }
    let spec = '';
    if (flags.includes('-')) spec += '<';
    else if (flags.includes('0')) spec += '0';
    if (width) spec += width;
    if (prec) spec += `.${prec}`;
    let text: string | null = null;
    if (failed) return '';
    if (conv === 's' || conv === 'r') {
      const plain = conv === 's' ? toStr(v, meter) : repr(v, meter);
      if (plain !== null) text = formatWithSpec({ t: 'str', v: plain }, spec, meter);
    } else if (conv === 'd' || conv === 'i') text = isNumber(v) ? formatWithSpec({ t: 'int', v: Math.trunc(v.v) }, `${spec}d`, meter) : null;
    else text = formatWithSpec(v, spec + conv, meter);
    if (text === null) failed = true;
    return text ?? '';
  });
  return failed || i !== args.length || !meter.allocate(out.length) ? null : out;
}
