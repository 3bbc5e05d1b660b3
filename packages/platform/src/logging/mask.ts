// Masks secrets and personal data inside free text and structured log fields, so that a
// value logged by mistake (an email in a message, a token in an error) never reaches the log.

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
// 13–19 digits, optionally grouped by spaces or dashes: card numbers (PAN). Not inside a
// hyphenated id (a UUID whose last groups are all digits); the Luhn check below spares
// timestamps and other long numbers.
const CARD = /(?<![\w-])(?:\d[ -]?){12,18}\d\b/g;

/** Field names whose values are always replaced entirely. */
export const SECRET_KEYS = new Set([
  'password',
  'newpassword',
  'currentpassword',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'secret',
  'clientsecret',
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'apikey',
  'cardnumber',
  'cvc',
  'cvv',
  'totpsecret',
  'recoverycodes',
  'otp',
  'code_verifier',
]);

/** Masks emails, bearer tokens, JWTs and card numbers in a string. */
export function maskText(text: string): string {
  if (text.length < 6) return text;
  return text
    .replace(BEARER, '$1 [REDACTED]')
    .replace(JWT, '[REDACTED-JWT]')
    .replace(EMAIL, '$1***@$2')
    .replace(CARD, (m) => {
      const digits = m.replace(/\D/g, '');
      return digits.length >= 13 && luhnValid(digits) ? `[CARD-****${digits.slice(-4)}]` : m;
    });
}

/** The Luhn checksum every payment card number satisfies. */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Deep copy of a log object with secret fields replaced and strings masked. */
export function maskValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (value === null || typeof value !== 'object') return value;
  // Deeper than this is not masked, so it is not logged either.
  if (depth > 6) return '[Truncated]';
  if (Array.isArray(value)) return value.map((v) => maskValue(v, depth + 1));
  if (value instanceof Error) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.has(k.toLowerCase()) ? '[REDACTED]' : maskValue(v, depth + 1);
  }
  return out;
}
