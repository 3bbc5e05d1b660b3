import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

const PERIOD = 30;
const DIGITS = 6;

function totp(secret: string, email: string): TOTP {
  return new TOTP({
    issuer: 'Mercato',
    label: email,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD,
    secret: Secret.fromBase32(secret),
  });
}

/** A new TOTP secret (160 random bits, base32), as authenticator apps expect. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The enrolment an authenticator app scans: the otpauth:// URI and the same as an SVG QR code. */
export async function totpEnrolment(
  secret: string,
  email: string,
): Promise<{ otpauthUri: string; qrSvg: string }> {
  const otpauthUri = totp(secret, email).toString();
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg' });
  return { otpauthUri, qrSvg };
}

/** Whether a string looks like a TOTP code (6 digits) rather than a recovery code. */
export function isTotpCode(code: string): boolean {
  return /^\d{6}$/.test(code);
}

/**
 * The time step a code is valid for, accepting the previous, current and next step
 * (clock drift); undefined when it matches none. Callers refuse steps already used.
 */
export function matchingStep(secret: string, code: string, now = Date.now()): number | undefined {
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD,
    timestamp: now,
    window: 1,
  });
  if (delta === null) return undefined;
  return Math.floor(now / 1000 / PERIOD) + delta;
}
