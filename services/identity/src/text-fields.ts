import { Type } from 'typebox';

// Text identity keeps and shows to others: email addresses and names. Some characters have
// no business there and are refused at the edge (400 VALIDATION_FAILED naming the field)
// rather than stored or "fixed" silently:
// - unpaired UTF-16 surrogates (`"\ud800"` in JSON) are not text at all: PostgreSQL turns
//   them into U+FFFD in a column and refuses them in the event's JSON (a 500 before);
// - control characters (NUL, line breaks, …);
// - the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
//   which make a name or an address display as something it is not.
// Patterns are compiled with the `u` flag (ajv's default), so `\p{…}` classes apply.

const BIDI_CONTROLS = '\\u202A-\\u202E\\u2066-\\u2069';

/**
 * An email address as sign-up, sign-in and the email-link routes take it. Surrounding
 * spaces are allowed (the use cases trim them: copy-pasted addresses carry them). No
 * character of Unicode's "Other" category (`\p{C}`: controls, format characters such as
 * the bidi controls and zero-width spaces, surrogates, private-use and unassigned code
 * points) anywhere: an address needs none, and they are how look-alike addresses are made.
 */
export const EmailField = Type.String({
  pattern: '^\\s*[^\\s@\\p{C}]+@[^\\s@\\p{C}]+\\.[^\\s@\\p{C}]+\\s*$',
  minLength: 3,
  maxLength: 254,
  description:
    'email address; case and surrounding spaces do not matter; no control, format (bidi, zero-width) or unpaired surrogate characters',
  examples: ['admin@mercato.local'],
});

/** Part of an email address to search for (admin user list): the same characters as EmailField. */
export const EmailSearchField = Type.String({
  pattern: '^[^\\p{C}]*$',
  maxLength: 254,
  description: 'part of the email address (no control, format or unpaired surrogate characters)',
});

/**
 * A name people read (a display name, an API key's or an OAuth client's name). Any script,
 * emoji and the directional marks (LRM, RLM) that mixed-direction names need are fine;
 * unpaired surrogates, control characters and bidi embeddings, overrides and isolates are not.
 * `example` is the documentation's (an example sampled from the pattern would be empty).
 */
export function NameField(maxLength: number, example: string, description?: string) {
  return Type.String({
    minLength: 1,
    maxLength,
    pattern: `^[^\\p{Cc}\\p{Cs}${BIDI_CONTROLS}]*$`,
    description:
      (description ? `${description}; ` : '') +
      'no control characters, unpaired surrogates or bidi embeddings, overrides and isolates',
    examples: [example],
  });
}
